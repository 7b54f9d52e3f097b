using System.Runtime.CompilerServices;

namespace LowLatency.Engine.State;

/// <summary>
/// Per-key values in a pre-sized open-addressing table, updated in place by <c>ref</c>, with optional
/// time-to-live in event time and in processing time. No allocation per key or per access after construction.
/// Single-threaded: owned by one stage.
/// </summary>
/// <remarks>
/// Expiry runs when time moves (<see cref="OnWatermark"/>, <see cref="OnProcessingTime"/>), oldest first,
/// through an indexed heap per time domain. A value's queued expiry is a lower bound: an update only
/// refreshes its last-update time, and the heap re-queues the entry at its real expiry when it surfaces, so
/// the per-access cost stays one table probe.
/// </remarks>
/// <typeparam name="TKey">The key.</typeparam>
/// <typeparam name="TValue">The value: an unmanaged struct (snapshots copy its bytes).</typeparam>
public sealed class KeyedState<TKey, TValue>
    where TKey : unmanaged, IEquatable<TKey>
    where TValue : unmanaged
{
    private readonly KeyedStateOptions _options;
    private readonly KeySlotTable<TKey> _table;
    private readonly TValue[] _values;
    private readonly long[] _lastEventTime;
    private readonly long[] _lastProcessingTime;
    private readonly IndexedMinHeap? _eventExpiry;
    private readonly IndexedMinHeap? _processingExpiry;
    private readonly long _eventTtl;
    private readonly long _processingTtl;
    private TValue _rejected;
    private long _now;
    private long _watermark = long.MinValue;

    /// <summary>Creates the state; <paramref name="options"/> is validated here.</summary>
    public KeyedState(KeyedStateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _table = new KeySlotTable<TKey>(options.Capacity);
        _values = new TValue[options.Capacity];
        _lastEventTime = new long[options.Capacity];
        _lastProcessingTime = new long[options.Capacity];
        _eventTtl = options.EventTimeTtl ?? 0;
        _processingTtl = options.ProcessingTimeTtl ?? 0;
        _eventExpiry = options.EventTimeTtl.HasValue ? new IndexedMinHeap(options.Capacity) : null;
        _processingExpiry = options.ProcessingTimeTtl.HasValue ? new IndexedMinHeap(options.Capacity) : null;
    }

    /// <summary>Keys held.</summary>
    public int Count => _table.Count;

    /// <summary>New keys refused because the table was full.</summary>
    public long Rejected { get; private set; }

    /// <summary>Entries removed by TTL.</summary>
    public long Expired { get; private set; }

    /// <summary>
    /// The value of <paramref name="key"/>, added as <c>default</c> when absent; updating it through the
    /// reference refreshes its TTL clocks to <paramref name="eventTime"/> and the last processing time seen.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue GetOrAdd(in TKey key, long eventTime, out StateAccess access)
    {
        int slot = _table.GetOrAdd(key, out bool added);
        if (slot < 0)
        {
            return ref RejectSlow(out access);
        }

        if (added)
        {
            _values[slot] = default;
            _lastEventTime[slot] = eventTime;
            _lastProcessingTime[slot] = _now;
            _eventExpiry?.Set(slot, SaturatingAdd(eventTime, _eventTtl), 0);
            _processingExpiry?.Set(slot, SaturatingAdd(_now, _processingTtl), 0);
            access = StateAccess.Added;
        }
        else
        {
            if (eventTime > _lastEventTime[slot])
            {
                _lastEventTime[slot] = eventTime;
            }

            _lastProcessingTime[slot] = _now;
            access = StateAccess.Existing;
        }

        return ref _values[slot];
    }

    /// <summary>The value of <paramref name="key"/> if present (does not refresh its TTL).</summary>
    public bool TryGetValue(in TKey key, out TValue value)
    {
        int slot = _table.Find(key);
        if (slot < 0)
        {
            value = default;
            return false;
        }

        value = _values[slot];
        return true;
    }

    /// <summary>Removes <paramref name="key"/>; false when absent.</summary>
    public bool Remove(in TKey key)
    {
        int slot = _table.Find(key);
        if (slot < 0)
        {
            return false;
        }

        RemoveAt(slot);
        return true;
    }

    /// <summary>Event time advanced: entries whose last update is ≥ TTL behind <paramref name="watermark"/> expire.</summary>
    public int OnWatermark(long watermark)
    {
        if (watermark <= _watermark)
        {
            return 0;
        }

        _watermark = watermark;
        return _eventExpiry is null ? 0 : Expire(_eventExpiry, _lastEventTime, _eventTtl, watermark);
    }

    /// <summary>Processing time advanced (read once per batch by the stage): entries idle ≥ TTL expire.</summary>
    public int OnProcessingTime(long now)
    {
        if (now <= _now)
        {
            return 0;
        }

        _now = now;
        return _processingExpiry is null ? 0 : Expire(_processingExpiry, _lastProcessingTime, _processingTtl, now);
    }

    private int Expire(IndexedMinHeap heap, long[] last, long ttl, long time)
    {
        int expired = 0;
        while (heap.TryPeek(out int slot, out long at) && at <= time)
        {
            long real = SaturatingAdd(last[slot], ttl);
            if (real > at)
            {
                heap.Set(slot, real, 0); // updated since it was queued
                continue;
            }

            RemoveAt(slot);
            expired++;
        }

        Expired += expired;
        return expired;
    }

    private void RemoveAt(int slot)
    {
        _eventExpiry?.Remove(slot);
        _processingExpiry?.Remove(slot);
        _values[slot] = default;
        _table.RemoveAt(slot);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref TValue RejectSlow(out StateAccess access)
    {
        if (_options.WhenFull == TableFullPolicy.Throw)
        {
            throw new StateTableFullException($"The keyed state is full (KeyedStateOptions.Capacity = {_options.Capacity}).");
        }

        Rejected++;
        access = StateAccess.Rejected;
        _rejected = default;
        return ref _rejected;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private string Identity =>
        $"KeyedState/{typeof(TKey).FullName}/{typeof(TValue).FullName}/{Unsafe.SizeOf<TKey>()}/{Unsafe.SizeOf<TValue>()}/ttl={_options.EventTimeTtl}/{_options.ProcessingTimeTtl}";

    /// <summary>Writes every entry with its TTL clocks, and the counters.</summary>
    public void WriteSnapshot(Stream destination) => SnapshotCodec.Write(destination, Identity, writer =>
    {
        writer.Write(_now);
        writer.Write(_watermark);
        writer.Write(Rejected);
        writer.Write(Expired);
        writer.Write(_table.Count);
        for (int slot = 0; slot < _table.HighWater; slot++)
        {
            if (_table.IsOccupied(slot))
            {
                writer.WriteRaw(_table.KeyAt(slot));
                writer.WriteRaw(_values[slot]);
                writer.Write(_lastEventTime[slot]);
                writer.Write(_lastProcessingTime[slot]);
            }
        }
    });

    /// <summary>Replaces the state with a snapshot; a corrupt or foreign one throws <see cref="SnapshotFormatException"/>.</summary>
    public void RestoreSnapshot(Stream source) => SnapshotCodec.Read(source, Identity, reader =>
    {
        _now = reader.ReadInt64();
        _watermark = reader.ReadInt64();
        Rejected = reader.ReadInt64();
        Expired = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count < 0 || count > _values.Length)
        {
            throw new SnapshotFormatException($"The snapshot holds {count} keys; this state holds at most {_values.Length} (KeyedStateOptions.Capacity).");
        }

        for (int i = 0; i < count; i++)
        {
            int slot = _table.GetOrAdd(reader.ReadRaw<TKey>(), out bool added);
            if (slot < 0 || !added)
            {
                throw new SnapshotFormatException("The snapshot repeats a key: it is corrupt.");
            }

            reader.ReadRaw(ref _values[slot]);
            _lastEventTime[slot] = reader.ReadInt64();
            _lastProcessingTime[slot] = reader.ReadInt64();
            _eventExpiry?.Set(slot, SaturatingAdd(_lastEventTime[slot], _eventTtl), 0);
            _processingExpiry?.Set(slot, SaturatingAdd(_lastProcessingTime[slot], _processingTtl), 0);
        }
    }, Clear);

    private void Clear()
    {
        _table.Clear();
        _eventExpiry?.Clear();
        _processingExpiry?.Clear();
    }
}
