namespace LowLatency.Engine.Processing;

/// <summary>Why a stage stopped.</summary>
public enum ShutdownReason
{
    /// <summary>Drained: the stage handled every published event (fire everything, end of stream).</summary>
    Drained = 0,

    /// <summary>Stopped at a barrier without draining (keep state, e.g. for a snapshot).</summary>
    Stopped = 1,

    /// <summary>The pipeline halted on a fault (this stage's or another's).</summary>
    Faulted = 2,
}
