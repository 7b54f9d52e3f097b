namespace LowLatency.Engine.Processing;

/// <summary>What a stage reports to the pipeline that runs it.</summary>
internal interface IStageHost
{
    /// <summary>Why alerted stages end: drained, stopped or faulted.</summary>
    ShutdownReason ShutdownReason { get; }

    /// <summary>A handler threw and the stage's policy says halt (or a hook threw).</summary>
    void OnStageFault(EventProcessor stage, StageFault fault);

    /// <summary>The stage's thread has left its run loop.</summary>
    void OnStageExited(EventProcessor stage);
}
