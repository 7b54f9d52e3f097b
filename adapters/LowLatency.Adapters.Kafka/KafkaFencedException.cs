namespace LowLatency.Adapters.Kafka;

/// <summary>
/// An exactly-once worker lost a task it was still writing: another worker claimed it (or the group took it
/// away). The worker is a zombie; its uncommitted and later writes are void (<see cref="KafkaTaskLog"/>) and it
/// must stop. The message is one line naming the task.
/// </summary>
public sealed class KafkaFencedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KafkaFencedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public KafkaFencedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error behind it.</summary>
    public KafkaFencedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
