using System.Runtime.CompilerServices;
using LowLatency.Engine.State;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// What every window operator shares, around its <see cref="EventTimeCore{TEvent, TKey, TAcc, TFunction, TSink}"/>:
/// the public surface (sink, watermark, counters), the entry points that only move the watermark (explicit
/// watermarks, idleness, processing time, drain) and the snapshot framing. A derived operator supplies its window
/// algebra: how an event is assigned, what an advance of the watermark fires and purges, and its snapshot body.
/// </summary>
/// <typeparam name="TEvent">The input event.</typeparam>
/// <typeparam name="TKey">The key: an unmanaged value with value equality (hashed, and copied into snapshots as bytes).</typeparam>
/// <typeparam name="TAcc">The accumulator: an unmanaged struct (merged, copied and snapshotted as bytes).</typeparam>
/// <typeparam name="TFunction">Time, key and aggregation of an event.</typeparam>
/// <typeparam name="TSink">Where results, late events and the end marker go.</typeparam>
public abstract class WindowOperator<TEvent, TKey, TAcc, TFunction, TSink> : IWindowOperator<TEvent>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
    where TFunction : struct, IWindowFunction<TEvent, TKey, TAcc>
    where TSink : struct, IWindowSink<TEvent, TKey, TAcc>
{
    private readonly WindowOptions _options;
    private readonly bool _processingTime;

    /// <summary>The emission mode (<see cref="WindowOptions.Emission"/>), read on the per-event path.</summary>
    private protected readonly EmissionMode _emission;

    private protected WindowOperator(WindowOptions options, TFunction function, TSink sink, bool processingTime, long minTimestamp, long maxTimestamp)
    {
        _options = options;
        _processingTime = processingTime;
        _emission = options.Emission;
        _core = new EventTimeCore<TEvent, TKey, TAcc, TFunction, TSink>(
            function, sink, processingTime ? WatermarkOptions.Default with { OutOfOrderness = null } : options.Watermark,
            options.AllowedLateness, minTimestamp, maxTimestamp);
    }

    // The shared event-time state; a mutable struct kept in a non-readonly field on purpose (updated in place).
    private protected EventTimeCore<TEvent, TKey, TAcc, TFunction, TSink> _core;

    /// <summary>The sink (by reference: read or reset a struct sink's state).</summary>
    public ref TSink Sink => ref _core.Sink;

    /// <summary>The options.</summary>
    public WindowOptions Options => _options;

    /// <inheritdoc/>
    public long Watermark => _core.Watermark;

    /// <summary>The watermark tracker: read it, or tell it about back-pressure; declare idle inputs through <see cref="MarkIdle"/>.</summary>
    public WatermarkTracker WatermarkTracker => _core.Tracker;

    /// <inheritdoc/>
    public WindowCounters Counters => _core.Counters;

    /// <summary>Events added to a window (on time or allowed-late).</summary>
    public long EventsAccepted => _core.Counters.EventsAccepted;

    /// <summary>Accepted events that were at or behind the watermark (they re-fired windows already fired).</summary>
    public long LateAccepted => _core.Counters.LateAccepted;

    /// <summary>Events sent to the late side output because every window they belong to was closed.</summary>
    public long LateDropped => _core.Counters.LateDropped;

    /// <summary>(event, window) pairs refused as too late for an event that other windows of it accepted.</summary>
    public long PartialDrops => _core.Counters.PartialDrops;

    /// <summary>Events sent to the late side output because the state was full.</summary>
    public long StateFullRejected => _core.Counters.StateFullRejected;

    /// <summary>Results emitted (not counting the end marker).</summary>
    public long ResultsEmitted => _core.Counters.ResultsEmitted;

    private protected bool IsProcessingTime => _processingTime;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnEvent(ref TEvent e) => OnEvent(ref e, 0, _core.Sequence + 1);

    /// <inheritdoc/>
    public void OnEvent(ref TEvent e, int input) => OnEvent(ref e, input, _core.Sequence + 1);

    /// <inheritdoc/>
    public abstract void OnEvent(ref TEvent e, int input, long sequence);

    /// <inheritdoc/>
    public virtual void OnBatch(Span<TEvent> batch, int input, long firstSequence)
    {
        for (int i = 0; i < batch.Length; i++)
        {
            OnEvent(ref batch[i], input, firstSequence + i);
        }
    }

    /// <inheritdoc/>
    public void OnBatch(Span<TEvent> batch, int input) => OnBatch(batch, input, _core.Sequence + 1);

    /// <inheritdoc/>
    public void OnWatermark(long watermark, int input = 0)
    {
        if (_core.OnWatermark(watermark, input, out long before))
        {
            Advance(before, _core.Watermark);
        }
    }

    /// <inheritdoc/>
    public void MarkIdle(int input)
    {
        if (_core.MarkIdle(input, out long before))
        {
            Advance(before, _core.Watermark);
        }
    }

    /// <inheritdoc/>
    public void OnProcessingTime(long now)
    {
        if (_core.OnProcessingTime(now, _processingTime, out long before))
        {
            Advance(before, _core.Watermark);
        }

        if (_emission == EmissionMode.EarlyEveryPeriod && _core.EarlyRoundDue(_options.EarlyPeriod))
        {
            EmitEarly();
        }
    }

    /// <inheritdoc/>
    public void Drain()
    {
        if (_core.BeginDrain(out long before))
        {
            Advance(before, Watermarks.EndOfStream);
            _core.EndDrain();
        }
    }

    /// <inheritdoc/>
    public void WriteSnapshot(Stream destination) => SnapshotCodec.Write(destination, Identity, writer =>
    {
        _core.Write(writer);
        WriteBody(writer);
    });

    /// <inheritdoc/>
    public void RestoreSnapshot(Stream source) => SnapshotCodec.Read(source, Identity, reader =>
    {
        _core.Read(reader);
        ReadBody(reader);
    }, ClearState);

    /// <summary>The watermark moved from <paramref name="before"/> to <paramref name="after"/> (at or above the core's wake gate).</summary>
    private protected abstract void Advance(long before, long after);

    /// <summary>An early round is due (<see cref="EmissionMode.EarlyEveryPeriod"/>).</summary>
    private protected virtual void EmitEarly()
    {
    }

    /// <summary>What a snapshot must match: the operator, its key and accumulator types and layouts, and <see cref="StateShape"/>.</summary>
    private string Identity
    {
        get
        {
            string name = GetType().Name;
            return $"{name[..name.IndexOf('`', StringComparison.Ordinal)]}/v2/{typeof(TKey).FullName}/{typeof(TAcc).FullName}/{Unsafe.SizeOf<TKey>()}/{Unsafe.SizeOf<TAcc>()}/{StateShape}";
        }
    }

    /// <summary>The options (and further types) that shape the operator's state: a snapshot restores only into the same.</summary>
    private protected abstract string StateShape { get; }

    private protected abstract void WriteBody(BinaryWriter writer);

    private protected abstract void ReadBody(BinaryReader reader);

    private protected abstract void ClearState();
}
