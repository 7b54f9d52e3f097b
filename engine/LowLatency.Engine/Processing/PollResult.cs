namespace LowLatency.Engine.Processing;

/// <summary>What one non-blocking turn of a stage did.</summary>
internal enum PollResult
{
    /// <summary>Nothing was available.</summary>
    Idle,

    /// <summary>The stage handled and released a batch.</summary>
    Progressed,

    /// <summary>The handler failed under a halt policy: the fault is reported and the stage must stop.</summary>
    Faulted,
}
