namespace LowLatency.Engine.Windowing;

/// <summary>When a window emits results.</summary>
public enum EmissionMode
{
    /// <summary>When <c>W ≥ end − 1</c>, again after each allowed-late update, and a final result on purge if the last was not final (default).</summary>
    OnClose,

    /// <summary>After every update of the window (including allowed-late ones), and a final result on purge.</summary>
    OnEveryUpdate,

    /// <summary>As <see cref="OnClose"/>, plus a non-final result each early period (processing time) for open windows that changed.</summary>
    EarlyEveryPeriod,
}
