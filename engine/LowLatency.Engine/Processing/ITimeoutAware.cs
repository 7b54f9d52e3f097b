namespace LowLatency.Engine.Processing;

/// <summary>Optional: called when the stage's timeout tick passes with no new event (act on time passing).</summary>
public interface ITimeoutAware
{
    /// <summary>Called on the stage thread; <paramref name="lastSequence"/> is the last event the stage handled.</summary>
    void OnTimeout(long lastSequence);
}
