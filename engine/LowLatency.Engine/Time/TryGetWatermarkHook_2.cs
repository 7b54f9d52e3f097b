namespace LowLatency.Engine.Time;

/// <summary>An open-instance call of a struct's <see cref="IPunctuatedWatermark{TEvent}.TryGetWatermark"/> by <c>ref</c>: no boxing.</summary>
internal delegate bool TryGetWatermarkHook<TFunction, TEvent>(ref TFunction function, in TEvent e, out long watermark)
    where TFunction : struct
    where TEvent : struct;
