using LowLatency.Engine.State;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// What a window operator computes and how much state it may hold. Immutable: start from
/// <see cref="Tumbling"/>, <see cref="Hopping"/> or <see cref="Session"/> and change with <c>with</c>.
/// All durations are host ticks (the resolution of the event timestamps).
/// </summary>
public sealed record WindowOptions
{
    /// <summary>Tumbling windows of <paramref name="size"/> ticks, aligned on <paramref name="offset"/>.</summary>
    public static WindowOptions Tumbling(long size, long offset = 0) =>
        new() { Kind = WindowKind.Tumbling, Size = size, Slide = size, Offset = offset };

    /// <summary>Hopping windows of <paramref name="size"/> every <paramref name="slide"/> ticks (size a multiple of slide).</summary>
    public static WindowOptions Hopping(long size, long slide, long offset = 0) =>
        new() { Kind = WindowKind.Hopping, Size = size, Slide = slide, Offset = offset };

    /// <summary>Per-key sessions closed by <paramref name="gap"/> ticks without an event.</summary>
    public static WindowOptions Session(long gap) =>
        new() { Kind = WindowKind.Session, Gap = gap };

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
    /// The most distinct live keys (hopping, or any window with lateness or non-default emission); null: <see cref="Capacity"/>.
    /// Keys get dense ids so merges and the per-event lookup stay in a table sized by keys, not by (key, pane) pairs.
    /// An event whose key would exceed it is rejected as <see cref="LateReason.StateFull"/>.
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

            if (Slide <= 0 || Slide > Size || Size % Slide != 0)
            {
                ThrowHelper.ThrowOption("WindowOptions.Slide", Slide, "must be positive and divide Size (panes are one slide wide).");
            }

            if (Size / Slide > 4096)
            {
                ThrowHelper.ThrowOption("WindowOptions.Slide", Slide, "Size / Slide must be ≤ 4096.");
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
