using LowLatency.Engine.State;

namespace LowLatency.Engine.Windowing;

/// <summary>Snapshot body of the session operator: live sessions, then the changed-session list.</summary>
public sealed partial class SessionWindowOperator<TEvent, TKey, TAcc, TFunction, TSink>
{
    private protected override string StateShape =>
        $"gap={_gap}/lateness={_core.Lateness}/emission={_emission}/inputs={_core.Tracker.Inputs}";

    private protected override void WriteBody(BinaryWriter writer)
    {
        writer.Write(_bornCounter);
        writer.Write(_merges);
        writer.Write(_live);
        for (int n = 0; n < _highWater; n++)
        {
            ref SessionNode<TKey, TAcc> session = ref _nodes[n];
            if (!session.Timer.IsQueued)
            {
                continue; // free: every live session is queued
            }

            writer.WriteRaw(session.Key);
            writer.Write(session.Start);
            writer.Write(session.End);
            writer.Write(session.Version);
            writer.Write(session.LastFinal);
            writer.Write(session.Born);
            writer.WriteRaw(session.Acc);
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
                writer.WriteRaw(_nodes[n].Key);
                writer.Write(_nodes[n].Start);
            }
        }
    }

    private protected override void ReadBody(BinaryReader reader)
    {
        _bornCounter = reader.ReadInt64();
        _merges = reader.ReadInt64();
        int live = reader.ReadInt32();
        if (live < 0 || live > _nodes.Length)
        {
            throw new SnapshotFormatException($"The snapshot holds {live} sessions; this operator holds at most {_nodes.Length} (WindowOptions.Capacity).");
        }

        for (int i = 0; i < live; i++)
        {
            TKey key = reader.ReadRaw<TKey>();
            long start = reader.ReadInt64();
            long end = reader.ReadInt64();
            int n = NewSession(key, _keys.Find(key), start, end);
            if (n < 0)
            {
                throw new SnapshotFormatException("The snapshot's sessions do not fit this operator (WindowOptions.Capacity, KeyCapacity).");
            }

            ref SessionNode<TKey, TAcc> session = ref _nodes[n];
            session.Version = reader.ReadInt32();
            session.LastFinal = reader.ReadBoolean();
            session.Born = reader.ReadInt64();
            reader.ReadRaw(ref session.Acc);
            Schedule(ref session, n, _core.Watermark);
        }

        int dirty = reader.ReadInt32();
        for (int i = 0; i < dirty; i++)
        {
            int k = _keys.Find(reader.ReadRaw<TKey>());
            long start = reader.ReadInt64();
            int n = k < 0 ? -1 : _keys.ValueAt(k);
            while (n >= 0 && _nodes[n].Start != start)
            {
                n = _nodes[n].Next;
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
