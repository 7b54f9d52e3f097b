using LowLatency.Engine.State;

namespace LowLatency.Engine.Windowing;

/// <summary>Snapshot body of the global operator: every key's open window.</summary>
public sealed partial class GlobalWindowOperator<TEvent, TKey, TAcc, TFunction, TTrigger, TSink>
{
    private protected override string StateShape => $"trigger={typeof(TTrigger).FullName}";

    private protected override void ClearState() => _keys.Clear();

    private protected override void WriteBody(BinaryWriter writer)
    {
        writer.Write(_bornCounter);
        writer.Write(_keys.Count);
        for (int k = 0; k < _keys.HighWater; k++)
        {
            if (!_keys.IsOccupied(k))
            {
                continue;
            }

            TKey key = _keys.KeyAt(k);
            writer.WriteRaw(key);
            writer.WriteRaw(_acc[k]);
            writer.Write(_count[k]);
            writer.Write(_version[k]);
            writer.Write(_first[k]);
            writer.Write(_last[k]);
            writer.Write(_pending[k]);
            writer.Write(_born[k]);
        }
    }

    private protected override void ReadBody(BinaryReader reader)
    {
        _bornCounter = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count < 0 || count > _acc.Length)
        {
            throw new SnapshotFormatException($"The snapshot holds {count} keys; this operator holds at most {_acc.Length} (WindowOptions.Capacity).");
        }

        for (int i = 0; i < count; i++)
        {
            int k = _keys.GetOrAdd(reader.ReadRaw<TKey>(), out bool added);
            if (k < 0 || !added)
            {
                throw new SnapshotFormatException("The snapshot repeats a key: it is corrupt.");
            }

            reader.ReadRaw(ref _acc[k]);
            _count[k] = reader.ReadInt64();
            _version[k] = reader.ReadInt32();
            _first[k] = reader.ReadInt64();
            _last[k] = reader.ReadInt64();
            _pending[k] = reader.ReadBoolean();
            _born[k] = reader.ReadInt64();
        }
    }
}
