namespace LowLatency.Engine.State;

/// <summary>What registering a timer did.</summary>
public enum TimerRegistration
{
    /// <summary>The timer is new and queued.</summary>
    Added,

    /// <summary>A timer for the same key and time in the same domain was already queued: timers are deduplicated.</summary>
    Duplicate,

    /// <summary>The timer table is full; the timer was not queued (counted in <c>KeyedTimers.Rejected</c>).</summary>
    Full,
}
