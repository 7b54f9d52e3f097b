namespace LowLatency.Engine.Journal;

/// <summary>What to replay and how fast.</summary>
public sealed record JournalReplayOptions
{
    /// <summary>The whole journal at full speed.</summary>
    public static JournalReplayOptions Default { get; } = new();

    /// <summary>First journal position replayed.</summary>
    public long FromPosition { get; init; }

    /// <summary>Last journal position replayed (inclusive).</summary>
    public long ToPosition { get; init; } = long.MaxValue;

    /// <summary>0: as fast as the pipeline takes it; otherwise the recorded pace (clock readings) × this factor (1 = as recorded).</summary>
    public double Speed { get; init; }

    /// <summary>Host ticks per second of the recorded clock readings (used for pacing only).</summary>
    public long ClockTicksPerSecond { get; init; } = 1_000_000_000;

    /// <summary>Called on the replaying thread for each watermark or control mark in range: kind, value, position of the event it precedes.</summary>
    public Action<JournalRecordKind, long, long>? OnMark { get; init; }

    internal void Validate()
    {
        if (FromPosition < 0 || ToPosition < FromPosition)
        {
            ThrowHelper.ThrowOption(nameof(FromPosition), FromPosition, $"must be ≥ 0 and ≤ ToPosition ({ToPosition}).");
        }

        if (Speed < 0 || double.IsNaN(Speed) || double.IsInfinity(Speed))
        {
            ThrowHelper.ThrowOption(nameof(Speed), Speed, "must be 0 (max) or a positive factor.");
        }

        if (ClockTicksPerSecond < 1)
        {
            ThrowHelper.ThrowOption(nameof(ClockTicksPerSecond), ClockTicksPerSecond, "must be positive.");
        }
    }
}
