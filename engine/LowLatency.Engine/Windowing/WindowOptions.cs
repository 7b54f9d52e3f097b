using LowLatency.Engine.State;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// What a window operator computes and how much state it may hold. Immutable: start from
/// <c>Tumbling</c>, <c>Hopping</c> or <c>Session</c> and change with <c>with</c>.
/// All durations are host ticks (the resolution of the event timestamps).
/// </summary>
public sealed record WindowOptions
{
    /// <summary>Tumbling windows of <paramref name="size"/> ticks, aligned on <paramref name="offset"/>.</summary>
    public static WindowOptions Tumbling(long size, long offset = 0) =>
        new() { Kind = WindowKind.Tumbling, Size = size, Slide = size, Offset = offset };

    /// <summary>
    /// Hopping windows of <paramref name="size"/> every <paramref name="slide"/> ticks: any positive size and slide
    /// (state is kept in panes of <c>gcd(size, slide)</c>); with <c>slide &gt; size</c> events between windows join none.
    /// </summary>
    public static WindowOptions Hopping(long size, long slide, long offset = 0) =>
        new() { Kind = WindowKind.Hopping, Size = size, Slide = slide, Offset = offset };

    /// <summary>Per-key sessions closed by <paramref name="gap"/> ticks without an event.</summary>
    public static WindowOptions Session(long gap) =>
        new() { Kind = WindowKind.Session, Gap = gap };

    /// <summary>Tumbling windows of <paramref name="size"/>, timestamps being in units of 1 / <paramref name="ticksPerSecond"/> s.</summary>
    public static WindowOptions Tumbling(TimeSpan size, long ticksPerSecond) => Tumbling(Ticks(size, ticksPerSecond, "size"));

    /// <summary>Hopping windows of <paramref name="size"/> every <paramref name="slide"/>, timestamps in units of 1 / <paramref name="ticksPerSecond"/> s.</summary>
    public static WindowOptions Hopping(TimeSpan size, TimeSpan slide, long ticksPerSecond) =>
        Hopping(Ticks(size, ticksPerSecond, "size"), Ticks(slide, ticksPerSecond, "slide"));

    /// <summary>Sessions closed by <paramref name="gap"/> without an event, timestamps in units of 1 / <paramref name="ticksPerSecond"/> s.</summary>
    public static WindowOptions Session(TimeSpan gap, long ticksPerSecond) => Session(Ticks(gap, ticksPerSecond, "gap"));

    /// <summary>
    /// <paramref name="duration"/> in host ticks of 1 / <paramref name="ticksPerSecond"/> s (for instance
    /// <see cref="ProcessingClock.TicksPerSecondNanoseconds"/>); a duration that is not a whole number of ticks throws.
    /// </summary>
    public static long Ticks(TimeSpan duration, long ticksPerSecond, string name = "duration")
    {
        if (ticksPerSecond is < 1 or > ProcessingClock.TicksPerSecondNanoseconds)
        {
            ThrowHelper.ThrowOption("ticksPerSecond", ticksPerSecond, "must be between 1 and 10^9.");
        }

        Int128 scaled = (Int128)duration.Ticks * ticksPerSecond;
        if (scaled % TimeSpan.TicksPerSecond != 0 || scaled / TimeSpan.TicksPerSecond > long.MaxValue)
        {
            ThrowHelper.ThrowOption(name, duration, $"is not a whole number of ticks at {ticksPerSecond} ticks per second.");
        }

        return (long)(scaled / TimeSpan.TicksPerSecond);
    }

    /// <summary>The window kind.</summary>
    public WindowKind Kind { get; init; }

    /// <summary>Window length (tumbling, hopping).</summary>
    public long Size { get; init; }

    /// <summary>Distance between window starts (hopping; equals <see cref="Size"/> for tumbling).</summary>
    public long Slide { get; init; }

    /// <summary>Window alignment: starts are ≡ offset (mod slide).</summary>
    public long Offset { get; init; }

    /// <summary>Session gap.</summary>
    public long Gap { get; init; }

    /// <summary>Allowed lateness L: state is kept, and late events re-fire the window, until <c>W ≥ end − 1 + L</c>.</summary>
    public long AllowedLateness { get; init; }

    /// <summary>When results are emitted.</summary>
    public EmissionMode Emission { get; init; } = EmissionMode.OnClose;

    /// <summary>Processing-time period of early results under <see cref="EmissionMode.EarlyEveryPeriod"/>.</summary>
    public long EarlyPeriod { get; init; }

    /// <summary>Event time (default) or processing time.</summary>
    public TimeDomain TimeDomain { get; init; } = TimeDomain.EventTime;

    /// <summary>How the watermark is derived.</summary>
    public WatermarkOptions Watermark { get; init; } = WatermarkOptions.Default;

    /// <summary>The most live state entries: (key, pane) pairs for tumbling/hopping, sessions for session windows.</summary>
    public int Capacity { get; init; } = 1 << 16;

    /// <summary>
    /// The most distinct live keys; null: <see cref="Capacity"/>. Tumbling and hopping windows give keys dense ids so
    /// merges and the per-event lookup stay in a table sized by keys, not by (key, pane) pairs. Both operators keep a
    /// key with no live pane or session until the table fills (most keys come back soon), then sweep such keys out. An event whose key would exceed it
    /// is rejected as <see cref="LateReason.StateFull"/>.
    /// </summary>
    public int? KeyCapacity { get; init; }

    /// <summary>The most distinct live pane starts (tumbling/hopping), across keys.</summary>
    public int MaxOpenPanes { get; init; } = 4096;

    /// <summary>What happens to an event that needs a new entry when the state is full.</summary>
    public TableFullPolicy WhenFull { get; init; } = TableFullPolicy.Reject;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Watermark, "WindowOptions.Watermark");
        Watermark.Validate();
        if (Kind is WindowKind.Tumbling or WindowKind.Hopping)
        {
            if (Size <= 0)
            {
                ThrowHelper.ThrowOption("WindowOptions.Size", Size, "must be positive.");
            }

            if (Kind == WindowKind.Hopping && Slide <= 0)
            {
                ThrowHelper.ThrowOption("WindowOptions.Slide", Slide, "must be positive.");
            }

            if (Kind == WindowKind.Hopping && (Size - 1) / Slide >= 4096)
            {
                ThrowHelper.ThrowOption("WindowOptions.Slide", Slide, "leaves more than 4096 windows per event (Size / Slide must be ≤ 4096).");
            }

            if (MaxOpenPanes < 1)
            {
                ThrowHelper.ThrowOption("WindowOptions.MaxOpenPanes", MaxOpenPanes, "must be ≥ 1.");
            }
        }
        else if (Kind == WindowKind.Session && Gap <= 0)
        {
            ThrowHelper.ThrowOption("WindowOptions.Gap", Gap, "must be positive.");
        }

        if (AllowedLateness < 0)
        {
            ThrowHelper.ThrowOption("WindowOptions.AllowedLateness", AllowedLateness, "must be ≥ 0.");
        }

        if (Emission == EmissionMode.EarlyEveryPeriod && EarlyPeriod <= 0)
        {
            ThrowHelper.ThrowOption("WindowOptions.EarlyPeriod", EarlyPeriod, "must be positive with EmissionMode.EarlyEveryPeriod.");
        }

        if (Capacity is < 1 or > (1 << 26))
        {
            ThrowHelper.ThrowOption("WindowOptions.Capacity", Capacity, "must be between 1 and 2^26.");
        }

        if (KeyCapacity is < 1 or > (1 << 26))
        {
            ThrowHelper.ThrowOption("WindowOptions.KeyCapacity", KeyCapacity, "must be between 1 and 2^26 (or null for Capacity).");
        }

        if (!Enum.IsDefined(WhenFull))
        {
            ThrowHelper.ThrowOption("WindowOptions.WhenFull", WhenFull, "is not a TableFullPolicy.");
        }
    }
}
