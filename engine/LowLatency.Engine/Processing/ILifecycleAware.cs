namespace LowLatency.Engine.Processing;

/// <summary>Optional: told when the stage thread starts and ends.</summary>
public interface ILifecycleAware
{
    /// <summary>Called on the stage thread before the first event.</summary>
    void OnStart();

    /// <summary>Called on the stage thread after the last event it will handle.</summary>
    void OnShutdown(ShutdownReason reason);
}
