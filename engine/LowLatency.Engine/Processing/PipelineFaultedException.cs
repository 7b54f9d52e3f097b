namespace LowLatency.Engine.Processing;

/// <summary>Surfaces the fault that halted a pipeline.</summary>
public sealed class PipelineFaultedException : Exception
{
    /// <summary>Creates the exception for <paramref name="fault"/>.</summary>
    public PipelineFaultedException(StageFault fault)
        : base($"Stage '{fault?.Stage}' failed at sequence {fault?.Sequence}: {fault?.Error.Message}", fault?.Error)
    {
        ArgumentNullException.ThrowIfNull(fault);
        Fault = fault;
    }

    /// <summary>The stage, sequence and exception.</summary>
    public StageFault Fault { get; }
}
