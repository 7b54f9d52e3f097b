namespace LowLatency.Engine.Windowing;

/// <summary>How events are assigned to windows.</summary>
public enum WindowKind
{
    /// <summary>Fixed, non-overlapping windows: <c>start = ts − floorMod(ts − offset, size)</c>.</summary>
    Tumbling,

    /// <summary>Windows of <c>Size</c> every <c>Slide</c>, computed from shared panes (each event updates one pane).</summary>
    Hopping,

    /// <summary>Per-key sessions: each event opens <c>[ts, ts + gap)</c>; overlapping or touching sessions merge.</summary>
    Session,
}
