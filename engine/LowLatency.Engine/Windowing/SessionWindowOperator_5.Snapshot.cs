using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LowLatency.Engine.State;

namespace LowLatency.Engine.Windowing;

/// <summary>Snapshot body of the session operator: live sessions, then the changed-session list.</summary>
public sealed partial class SessionWindowOperator<TEvent, TKey, TAcc, TFunction, TSink>
{
    private protected override string Identity =>
        $"SessionWindowOperator/v2/{typeof(TKey).FullName}/{typeof(TAcc).FullName}/{Unsafe.SizeOf<TKey>()}/{Unsafe.SizeOf<TAcc>()}/gap={_gap}/lateness={_core.Lateness}/emission={_emission}/inputs={_core.Tracker.Inputs}";

    private protected override void WriteBody(BinaryWriter writer)
    {
        writer.Write(_bornCounter);
        writer.Write(_merges);
        writer.Write(_live);
        for (int n = 0; n < _highWater; n++)
        {
            if (!_timers.Contains(n))
            {
                continue; // free: every live session is queued
            }

            TKey key = _keys.KeyAt(_keySlot[n]);
            writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key)));
            writer.Write(_start[n]);
            writer.Write(_end[n]);
            writer.Write(_version[n]);
            writer.Write(_lastFinal[n]);
            writer.Write(_born[n]);
            writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<TAcc>(in _acc[n])));
        }

        // Changed sessions in round order: the order of the next early round's results.
        int dirty = 0;
        for (int i = 0; i < _dirty.Count; i++)
        {
            dirty += _dirty.LiveAt(i) >= 0 ? 1 : 0;
        }

        writer.Write(dirty);
        for (int i = 0; i < _dirty.Count; i++)
        {
            int n = _dirty.LiveAt(i);
            if (n >= 0)
            {
                TKey key = _keys.KeyAt(_keySlot[n]);
                writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key)));
                writer.Write(_start[n]);
            }
        }
    }

    private protected override void ReadBody(BinaryReader reader)
    {
        _bornCounter = reader.ReadInt64();
        _merges = reader.ReadInt64();
        int live = reader.ReadInt32();
        if (live < 0 || live > _start.Length)
        {
            throw new SnapshotFormatException($"The snapshot holds {live} sessions; this operator holds at most {_start.Length} (WindowOptions.Capacity).");
        }

        Span<byte> keyBytes = stackalloc byte[Unsafe.SizeOf<TKey>()];
        for (int i = 0; i < live; i++)
        {
            reader.BaseStream.ReadExactly(keyBytes);
            TKey key = MemoryMarshal.Read<TKey>(keyBytes);
            long start = reader.ReadInt64();
            long end = reader.ReadInt64();
            int k = _keys.Find(key);
            int n = NewSession(key, ref k, start, end);
            if (n < 0)
            {
                throw new SnapshotFormatException("The snapshot's sessions do not fit this operator (WindowOptions.Capacity).");
            }

            _version[n] = reader.ReadInt32();
            _lastFinal[n] = reader.ReadBoolean();
            _born[n] = reader.ReadInt64();
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(new Span<TAcc>(ref _acc[n])));
            Schedule(n, _core.Watermark);
        }

        int dirty = reader.ReadInt32();
        for (int i = 0; i < dirty; i++)
        {
            reader.BaseStream.ReadExactly(keyBytes);
            int k = _keys.Find(MemoryMarshal.Read<TKey>(keyBytes));
            long start = reader.ReadInt64();
            int n = k < 0 ? -1 : _keyHead[k];
            while (n >= 0 && _start[n] != start)
            {
                n = _next[n];
            }

            if (n < 0 || !_dirty.IsEnabled || _dirty.Contains(n))
            {
                throw new SnapshotFormatException("The snapshot's changed-session list names a session it does not hold.");
            }

            _dirty.Mark(n);
        }
    }

    private protected override void ClearState()
    {
        _keys.Clear();
        _timers.Clear();
        _freeHead = -1;
        _highWater = 0;
        _live = 0;
        _dirty.Clear();
    }
}
