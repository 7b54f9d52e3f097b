namespace LowLatency.Engine.Windowing;

/// <summary>
/// A single-threaded window operator: drive it directly (<c>op.OnEvent(ref e)</c>) or through
/// <see cref="WindowStage{TEvent, TOperator}"/> in a pipeline. Not thread-safe.
/// </summary>
/// <remarks>
/// The results of one event come in this order: first the results of the event's own update (re-firings of
/// windows that already fired, or every-update results), in ascending window end; then what the watermark
/// advance after the event causes: on-time firings in ascending end, then the final results of purged windows
/// in ascending end. Within one end the order depends on the input alone (see each operator).
/// </remarks>
/// <typeparam name="TEvent">The input event type.</typeparam>
public interface IWindowOperator<TEvent>
    where TEvent : struct
{
    /// <summary>The current watermark.</summary>
    long Watermark { get; }

    /// <summary>What the operator did with its events so far.</summary>
    WindowCounters Counters { get; }

    /// <summary>Handles one event of input 0; its sequence is the previous event's + 1 (the first is 0).</summary>
    void OnEvent(ref TEvent e);

    /// <summary>Handles one event of <paramref name="input"/> (multi-input watermarks); its sequence is the previous event's + 1.</summary>
    void OnEvent(ref TEvent e, int input);

    /// <summary>
    /// Handles one event of <paramref name="input"/> with the ring <paramref name="sequence"/> its results carry as
    /// <see cref="WindowResult{TKey, TAcc}.TriggerSequence"/>.
    /// </summary>
    void OnEvent(ref TEvent e, int input, long sequence);

    /// <summary>
    /// Handles the events of <paramref name="batch"/> (input <paramref name="input"/>) in order, the first with ring sequence
    /// <paramref name="firstSequence"/>: the results of one <see cref="OnEvent(ref TEvent, int, long)"/> per event,
    /// sooner where the operator loads the state of events ahead while it handles the current one.
    /// </summary>
    void OnBatch(Span<TEvent> batch, int input, long firstSequence);

    /// <summary>
    /// Handles the events of <paramref name="batch"/> (input <paramref name="input"/>) in order, their sequences
    /// continuing the previous event's: the results of one <see cref="OnEvent(ref TEvent, int)"/> per event.
    /// </summary>
    void OnBatch(Span<TEvent> batch, int input);

    /// <summary>An explicit watermark for <paramref name="input"/>.</summary>
    void OnWatermark(long watermark, int input = 0);

    /// <summary>A source that knows it is caught up declares <paramref name="input"/> idle (excluded from the watermark until its next event).</summary>
    void MarkIdle(int input);

    /// <summary>Processing time advanced (host ticks): idleness, processing-time windows, early results.</summary>
    void OnProcessingTime(long now);

    /// <summary>End of stream: watermark +∞, everything fires (final), then the end marker.</summary>
    void Drain();

    /// <summary>Writes the operator's state (windows, watermark, counters) as a checksummed snapshot.</summary>
    void WriteSnapshot(Stream destination);

    /// <summary>Replaces the operator's state with a snapshot; a corrupt or foreign one throws <see cref="LowLatency.Engine.State.SnapshotFormatException"/>.</summary>
    void RestoreSnapshot(Stream source);
}
