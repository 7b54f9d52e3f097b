using System.Runtime.CompilerServices;
using LowLatency.Engine.Windowing;

namespace LowLatency.Engine.State;

/// <summary>
/// Per-key timers in event time and processing time, deduplicated per (key, time) and domain, in pre-sized
/// tables. An event-time timer at <c>t</c> fires when the watermark reaches <c>t</c>; a processing-time timer
/// when the clock does. Due timers fire in (time, registration) order. Single-threaded; no allocation after
/// construction (snapshots excepted).
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
public sealed class KeyedTimers<TKey>
    where TKey : unmanaged, IEquatable<TKey>
{
    private readonly Domain _event;
    private readonly Domain _processing;
    private long _sequence;

    /// <summary>Creates timers holding at most <paramref name="capacity"/> queued timers per domain.</summary>
    public KeyedTimers(int capacity)
    {
        _event = new Domain(capacity);
        _processing = new Domain(capacity);
    }

    /// <summary>Queued timers, both domains.</summary>
    public int Count => _event.Table.Count + _processing.Table.Count;

    /// <summary>Registrations refused because a table was full.</summary>
    public long Rejected { get; private set; }

    /// <summary>Timers fired.</summary>
    public long Fired { get; private set; }

    /// <summary>The highest event time timers were advanced to.</summary>
    public long Watermark { get; private set; } = long.MinValue;

    /// <summary>Registers the timer of <paramref name="key"/> at <paramref name="time"/>.</summary>
    public TimerRegistration Register(TimeDomain domain, in TKey key, long time)
    {
        Domain d = Of(domain);
        int id = d.Table.GetOrAdd(new WindowKey<TKey>(key, time), out bool added);
        if (id < 0)
        {
            Rejected++;
            return TimerRegistration.Full;
        }

        if (!added)
        {
            return TimerRegistration.Duplicate;
        }

        d.Heap.Set(id, time, _sequence++);
        return TimerRegistration.Added;
    }

    /// <summary>Deletes the timer of <paramref name="key"/> at <paramref name="time"/>; false when none was queued.</summary>
    public bool Delete(TimeDomain domain, in TKey key, long time)
    {
        Domain d = Of(domain);
        int id = d.Table.Find(new WindowKey<TKey>(key, time));
        if (id < 0)
        {
            return false;
        }

        d.Heap.Remove(id);
        d.Table.RemoveAt(id);
        return true;
    }

    /// <summary>True when the timer is queued.</summary>
    public bool Contains(TimeDomain domain, in TKey key, long time) => Of(domain).Table.Find(new WindowKey<TKey>(key, time)) >= 0;

    /// <summary>Fires every event-time timer at or below <paramref name="watermark"/>; returns how many fired.</summary>
    public int AdvanceWatermark<TCallback>(long watermark, ref TCallback callback)
        where TCallback : struct, ITimerCallback<TKey>
    {
        if (watermark > Watermark)
        {
            Watermark = watermark;
        }

        return Fire(_event, TimeDomain.EventTime, watermark, ref callback);
    }

    /// <summary>Fires every processing-time timer at or below <paramref name="now"/>; returns how many fired.</summary>
    public int AdvanceProcessingTime<TCallback>(long now, ref TCallback callback)
        where TCallback : struct, ITimerCallback<TKey>
        => Fire(_processing, TimeDomain.ProcessingTime, now, ref callback);

    /// <summary>End of stream: fires every timer of both domains (event time first).</summary>
    public int FireAll<TCallback>(ref TCallback callback)
        where TCallback : struct, ITimerCallback<TKey>
        => AdvanceWatermark(long.MaxValue, ref callback) + AdvanceProcessingTime(long.MaxValue, ref callback);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Domain Of(TimeDomain domain) => domain == TimeDomain.EventTime ? _event : _processing;

    private int Fire<TCallback>(Domain d, TimeDomain domain, long upTo, ref TCallback callback)
        where TCallback : struct, ITimerCallback<TKey>
    {
        int fired = 0;
        while (d.Heap.TryPeek(out int id, out long time) && time <= upTo)
        {
            TKey key = d.Table.KeyAt(id).Key;
            d.Heap.Remove(id);
            d.Table.RemoveAt(id);
            fired++;
            Fired++;
            callback.OnTimer(in key, time, domain);
        }

        return fired;
    }

    /// <summary>Writes the queued timers (in firing order) and counters.</summary>
    public void WriteSnapshot(Stream destination) => SnapshotCodec.Write(destination, Identity, writer =>
    {
        writer.Write(Watermark);
        writer.Write(Rejected);
        writer.Write(Fired);
        WriteDomain(writer, _event);
        WriteDomain(writer, _processing);
    });

    /// <summary>Replaces the timers with a snapshot; a corrupt or foreign one throws <see cref="SnapshotFormatException"/>.</summary>
    public void RestoreSnapshot(Stream source) => SnapshotCodec.Read(source, Identity, reader =>
    {
        Watermark = reader.ReadInt64();
        Rejected = reader.ReadInt64();
        Fired = reader.ReadInt64();
        _sequence = 0;
        ReadDomain(reader, _event);
        ReadDomain(reader, _processing);
    }, Clear);

    private static string Identity => $"KeyedTimers/{typeof(TKey).FullName}/{Unsafe.SizeOf<TKey>()}";

    private void Clear()
    {
        _event.Table.Clear();
        _event.Heap.Clear();
        _processing.Table.Clear();
        _processing.Heap.Clear();
    }

    private static void WriteDomain(BinaryWriter writer, Domain d)
    {
        // Firing order: (time, registration). Re-registering in this order on restore keeps it.
        var ids = new List<int>(d.Heap.Count);
        for (int id = 0; id < d.Table.Capacity; id++)
        {
            if (d.Heap.Contains(id))
            {
                ids.Add(id);
            }
        }

        ids.Sort((a, b) => d.Heap.TimeOf(a) != d.Heap.TimeOf(b) ? d.Heap.TimeOf(a).CompareTo(d.Heap.TimeOf(b)) : d.Heap.TieOf(a).CompareTo(d.Heap.TieOf(b)));
        writer.Write(ids.Count);
        foreach (int id in ids)
        {
            writer.WriteRaw(d.Table.KeyAt(id).Key);
            writer.Write(d.Table.KeyAt(id).Time);
        }
    }

    private void ReadDomain(BinaryReader reader, Domain d)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > d.Table.Capacity)
        {
            throw new SnapshotFormatException($"The snapshot holds {count} timers; this table holds at most {d.Table.Capacity}.");
        }

        for (int i = 0; i < count; i++)
        {
            TKey key = reader.ReadRaw<TKey>();
            long time = reader.ReadInt64();
            int id = d.Table.GetOrAdd(new WindowKey<TKey>(key, time), out bool added);
            if (id < 0 || !added)
            {
                throw new SnapshotFormatException("The snapshot's timers repeat a (key, time) or do not fit: it is corrupt.");
            }

            d.Heap.Set(id, time, _sequence++);
        }
    }

    private sealed class Domain(int capacity)
    {
        public KeySlotTable<WindowKey<TKey>> Table { get; } = new(capacity);

        public IndexedMinHeap Heap { get; } = new(capacity);
    }
}
