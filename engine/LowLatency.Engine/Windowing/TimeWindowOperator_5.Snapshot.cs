using LowLatency.Engine.State;

namespace LowLatency.Engine.Windowing;

/// <summary>Snapshot body of the time operator: panes in start order, the changed-pane list, window versions.</summary>
public sealed partial class TimeWindowOperator<TEvent, TKey, TAcc, TFunction, TSink>
{
    private protected override string StateShape =>
        $"size={_size}/slide={_slide}/offset={_offset}/lateness={_core.Lateness}/emission={_emission}/domain={Options.TimeDomain}/inputs={_core.Tracker.Inputs}";

    private protected override void WriteBody(BinaryWriter writer)
    {
        writer.Write(_groupCount);
        for (int g = 0; g < _groupCount; g++)
        {
            writer.Write(_groups[g].Start);
            writer.Write(_groups[g].Count);
            for (int s = _groups[g].Head; s >= 0; s = _entries[s].Next)
            {
                TKey key = KeyOf(s);
                writer.WriteRaw(key);
                writer.WriteRaw(PaneAcc(s));
            }
        }

        // Dirty panes in round order: the order of the next early round's results.
        int dirty = 0;
        for (int i = 0; i < _paneDirty.Count; i++)
        {
            dirty += _paneDirty.LiveAt(i) >= 0 ? 1 : 0;
        }

        writer.Write(dirty);
        for (int i = 0; i < _paneDirty.Count; i++)
        {
            int s = _paneDirty.LiveAt(i);
            if (s >= 0)
            {
                TKey key = KeyOf(s);
                writer.WriteRaw(key);
                writer.Write(_entries[s].Start);
            }
        }

        writer.Write(_windows?.Count ?? 0);
        if (_windows is not null)
        {
            for (int w = 0; w < _windows.HighWater; w++)
            {
                if (!_windows.IsOccupied(w))
                {
                    continue;
                }

                WindowKey<TKey> wk = _windows.KeyAt(w);
                TKey key = wk.Key;
                writer.WriteRaw(key);
                writer.Write(wk.Time);
                writer.Write(_windowVersion[w]);
                writer.Write(_windowFinal[w]);
            }
        }
    }

    private protected override void ReadBody(BinaryReader reader)
    {
        int groups = reader.ReadInt32();
        if (groups < 0 || groups > _groups.Length)
        {
            throw new SnapshotFormatException($"The snapshot holds {groups} pane starts; this operator holds at most {_groups.Length} (WindowOptions.MaxOpenPanes).");
        }

        for (int g = 0; g < groups; g++)
        {
            long start = reader.ReadInt64();
            int count = reader.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                TKey key = reader.ReadRaw<TKey>();
                int id = _keyIds.Find(key);
                if (id < 0 && (id = AddKey(key)) < 0)
                {
                    throw new SnapshotFormatException($"The snapshot holds more keys than this operator (WindowOptions.KeyCapacity = {_keyIds.Capacity}).");
                }

                int newer = FindOnKey(id, start, out int older);
                int slot = older >= 0 && _entries[older].Start == start ? -1 : OpenPane(id, start, newer, older);
                if (slot < 0)
                {
                    throw new SnapshotFormatException("The snapshot's pane entries do not fit this operator (WindowOptions.Capacity) or repeat a key.");
                }

                reader.ReadRaw(ref PaneAcc(slot));
            }
        }

        int dirty = reader.ReadInt32();
        for (int i = 0; i < dirty; i++)
        {
            TKey key = reader.ReadRaw<TKey>();
            int slot = FindPane(key, reader.ReadInt64());
            if (slot < 0 || !_paneDirty.IsEnabled || _paneDirty.Contains(slot))
            {
                throw new SnapshotFormatException("The snapshot's changed-pane list names a pane it does not hold.");
            }

            _paneDirty.Mark(slot);
        }

        int windows = reader.ReadInt32();
        for (int i = 0; i < windows; i++)
        {
            TKey key = reader.ReadRaw<TKey>();
            long end = reader.ReadInt64();
            int version = reader.ReadInt32();
            bool final = reader.ReadBoolean();
            int w = _windows is null ? -1 : _windows.GetOrAdd(new WindowKey<TKey>(key, end), out _);
            if (w < 0)
            {
                throw new SnapshotFormatException("The snapshot's window versions do not fit this operator.");
            }

            _windowVersion[w] = version;
            _windowFinal[w] = final;
            _windowEarlyRound[w] = 0;
        }
    }

    private protected override void ClearState()
    {
        Array.Clear(_entries, 0, _paneHighWater);
        _freePane = -1;
        _paneHighWater = 0;
        _livePanes = 0;
        _windows?.Clear();
        _keyIds.Clear();
        _groupCount = 0;
        _paneDirty.Clear();
        _earlyRound = 0;
    }
}
