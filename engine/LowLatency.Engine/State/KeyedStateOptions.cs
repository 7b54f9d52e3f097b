namespace LowLatency.Engine.State;

/// <summary>Size, full-table policy and time-to-live of a <see cref="KeyedState{TKey, TValue}"/>. Immutable: change with <c>with</c>.</summary>
public sealed record KeyedStateOptions
{
    /// <summary>65,536 keys, reject when full, no TTL.</summary>
    public static KeyedStateOptions Default { get; } = new();

    /// <summary>The most keys held; the table is allocated once at this size.</summary>
    public int Capacity { get; init; } = 1 << 16;

    /// <summary>What happens to a new key when the table is full.</summary>
    public TableFullPolicy WhenFull { get; init; } = TableFullPolicy.Reject;

    /// <summary>An entry not updated for this long in event time (watermark − last update time ≥ TTL) expires. Null: never.</summary>
    public long? EventTimeTtl { get; init; }

    /// <summary>An entry not updated for this long in processing time expires. Null: never.</summary>
    public long? ProcessingTimeTtl { get; init; }

    internal void Validate()
    {
        if (Capacity is < 1 or > (1 << 26))
        {
            ThrowHelper.ThrowOption("KeyedStateOptions.Capacity", Capacity, "must be between 1 and 2^26.");
        }

        if (EventTimeTtl is <= 0)
        {
            ThrowHelper.ThrowOption("KeyedStateOptions.EventTimeTtl", EventTimeTtl, "must be positive (or null).");
        }

        if (ProcessingTimeTtl is <= 0)
        {
            ThrowHelper.ThrowOption("KeyedStateOptions.ProcessingTimeTtl", ProcessingTimeTtl, "must be positive (or null).");
        }

        if (!Enum.IsDefined(WhenFull))
        {
            ThrowHelper.ThrowOption("KeyedStateOptions.WhenFull", WhenFull, "is not a TableFullPolicy.");
        }
    }
}
