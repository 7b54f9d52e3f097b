namespace LowLatency.Adapters.Kafka;

/// <summary>
/// A <see cref="KafkaSource{T}"/> gave up: no broker answered, a subscribed topic did not exist, or every broker
/// stayed lost for <see cref="KafkaSourceOptions.BrokerTimeout"/>, or the client reported a fatal error. The
/// message is one line naming the source, the reason, the bootstrap servers and the bound that expired.
/// </summary>
public sealed class KafkaSourceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KafkaSourceException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public KafkaSourceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the client error behind it.</summary>
    public KafkaSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
