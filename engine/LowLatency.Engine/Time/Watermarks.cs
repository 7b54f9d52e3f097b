namespace LowLatency.Engine.Time;

/// <summary>Watermark constants.</summary>
public static class Watermarks
{
    /// <summary>Nothing asserted yet: every event is on time.</summary>
    public const long Initial = long.MinValue;

    /// <summary>End of stream (+∞): every window fires and every timer runs.</summary>
    public const long EndOfStream = long.MaxValue;
}
