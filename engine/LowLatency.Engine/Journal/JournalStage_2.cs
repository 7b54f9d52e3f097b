using LowLatency.Engine.Processing;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Journal;

/// <summary>
/// The journaling stage: appends every batch it sees, as one record, with the processing-clock reading taken
/// at the start of the batch (and hands that reading to later stages through a <see cref="RecordedClock"/>).
/// Put it first (<c>pipeline.HandleBatchesWith(journal).Then(...)</c>): a later stage then sees an event only
/// after it is journaled and, with <see cref="JournalDurability.SyncPerBatch"/>, on the disk, which is when
/// an edge may acknowledge it. A full disk blocks this stage (the ring fills, producers are back-pressured)
/// or faults it, by <see cref="JournalOptions.WhenFull"/>; either way nothing is skipped.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
/// <typeparam name="TCodec">The codec.</typeparam>
public struct JournalStage<T, TCodec> : IBatchEventHandler<T>, IBatchAware, ITimeoutAware, ILifecycleAware
    where T : struct
    where TCodec : struct, IJournalCodec<T>
{
    private readonly JournalWriter<T, TCodec> _writer;
    private readonly ProcessingClock? _clock;
    private readonly RecordedClock? _recorded;

    // Stage-thread local: the reading of the current batch.
    private long _now;

    /// <summary>
    /// Journals into <paramref name="writer"/>; <paramref name="clock"/> is read once per batch (null: readings are 0);
    /// <paramref name="recorded"/> receives each event's reading for later stages (null: none).
    /// </summary>
    public JournalStage(JournalWriter<T, TCodec> writer, ProcessingClock? clock = null, RecordedClock? recorded = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _clock = clock;
        _recorded = recorded;
        _now = 0;
    }

    /// <inheritdoc/>
    public void OnBatchStart(long firstSequence, long count) => _now = _clock?.Now() ?? 0;

    /// <inheritdoc/>
    public readonly void OnBatch(Span<T> batch, long firstSequence)
    {
        _recorded?.Set(firstSequence, batch.Length, _now);
        _writer.Append(batch, _now);
    }

    /// <inheritdoc/>
    public readonly void OnBatchEnd(long lastSequence) => _writer.EndBatch();

    /// <inheritdoc/>
    public readonly void OnTimeout(long lastSequence) => _writer.EndBatch();

    /// <inheritdoc/>
    public readonly void OnStart()
    {
    }

    /// <inheritdoc/>
    public readonly void OnShutdown(ShutdownReason reason)
    {
        if (_writer.Options.Durability != JournalDurability.None)
        {
            _writer.Sync();
        }
    }
}
