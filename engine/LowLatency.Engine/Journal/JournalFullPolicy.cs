namespace LowLatency.Engine.Journal;

/// <summary>What the journal does when it cannot allocate its next segment (disk full, quota, I/O error).</summary>
public enum JournalFullPolicy
{
    /// <summary>Retry every <see cref="JournalOptions.FullRetryInterval"/>: the journaling stage stops, the ring fills and producers are back-pressured; after <see cref="JournalOptions.FullTimeout"/> it halts as <see cref="Halt"/> does.</summary>
    Backpressure,

    /// <summary>Throw <see cref="JournalFullException"/> at once: the journaling stage faults and (by default) halts the pipeline.</summary>
    Halt,
}
