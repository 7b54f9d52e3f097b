namespace LowLatency.Engine.Windowing;

/// <summary>Markers in <see cref="WindowResult{TKey, TAcc}.TriggerSequence"/> for results no single event caused.</summary>
public static class TriggerSequences
{
    /// <summary>Before the operator's first event: nothing has been handled yet.</summary>
    public const long None = -1;

    /// <summary>Emitted by <see cref="IWindowOperator{TEvent}.Drain"/> (end of stream), and the end marker itself.</summary>
    public const long Drain = long.MaxValue;
}
