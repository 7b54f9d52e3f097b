namespace LowLatency.Adapters.Kafka;

/// <summary>A <see cref="KafkaSink{T}"/> record could not be delivered; the sink refuses further records and holds source commits back.</summary>
public sealed class KafkaSinkException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KafkaSinkException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public KafkaSinkException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the delivery error.</summary>
    public KafkaSinkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
