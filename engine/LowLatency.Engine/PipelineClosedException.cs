namespace LowLatency.Engine;

/// <summary>
/// Thrown to a producer blocked in, or calling, a blocking claim on a pipeline that is draining,
/// stopped or halted by a fault. Non-blocking calls return <see cref="PublishResult.Closed"/> instead.
/// </summary>
public sealed class PipelineClosedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public PipelineClosedException()
        : base("The pipeline is closed: it is draining, stopped or halted by a fault, and accepts no more events.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PipelineClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the fault that closed the pipeline.</summary>
    public PipelineClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
