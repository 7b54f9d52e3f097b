namespace LowLatency.Testing.Windowing;

public enum ScriptKind
{
    Event,
    Watermark,
    ProcessingTime,
    Drain,
}

/// <summary>One step of a window test script: an event, an explicit watermark, a processing-time tick, or drain.</summary>
public readonly record struct ScriptStep(ScriptKind Kind, TestTrade Trade, long Time)
{
    public static ScriptStep Event(TestTrade t) => new(ScriptKind.Event, t, 0);

    public static ScriptStep Watermark(long w) => new(ScriptKind.Watermark, default, w);

    public static ScriptStep Tick(long now) => new(ScriptKind.ProcessingTime, default, now);

    public static ScriptStep Drain() => new(ScriptKind.Drain, default, 0);
}
