using System.Numerics;

namespace LowLatency.Engine.Flow;

/// <summary>
/// The values a conflating source holds while the ring is full: at most one per key, newest value wins,
/// released in the order their keys first arrived. Pre-sized; nothing is allocated per key or per event.
/// </summary>
/// <remarks>
/// A FIFO of (key, value) plus an open-addressing index from key to FIFO slot (linear probing, deletion
/// by backward shift, so no tombstones pile up). Owned by the source's producer thread: no synchronization.
/// </remarks>
/// <typeparam name="T">The event type.</typeparam>
internal sealed class ConflationBuffer<T>
    where T : struct
{
    private readonly long[] _fifoKeys;
    private readonly T[] _fifoValues;
    private readonly int _fifoMask;
    private readonly long[] _indexKeys;

    // FIFO slot + 1 of each index entry; 0 marks an empty entry.
    private readonly int[] _indexSlots;
    private readonly int _indexMask;
    private int _head;

    public ConflationBuffer(int capacity)
    {
        Capacity = capacity;
        int fifo = (int)BitOperations.RoundUpToPowerOf2((uint)capacity);
        _fifoKeys = new long[fifo];
        _fifoValues = new T[fifo];
        _fifoMask = fifo - 1;
        int index = fifo * 2;
        _indexKeys = new long[index];
        _indexSlots = new int[index];
        _indexMask = index - 1;
    }

    /// <summary>The most distinct keys held.</summary>
    public int Capacity { get; }

    /// <summary>Keys held now.</summary>
    public int Count { get; private set; }

    /// <summary>The oldest held value.</summary>
    public ref T Head => ref _fifoValues[_head];

    /// <summary>Holds <paramref name="value"/> under <paramref name="key"/>: replaces (true in <paramref name="replaced"/>) or appends; false when full.</summary>
    public bool Put(long key, in T value, out bool replaced)
    {
        int i = Home(key);
        while (_indexSlots[i] != 0)
        {
            if (_indexKeys[i] == key)
            {
                _fifoValues[_indexSlots[i] - 1] = value;
                replaced = true;
                return true;
            }

            i = (i + 1) & _indexMask;
        }

        replaced = false;
        if (Count == Capacity)
        {
            return false;
        }

        int slot = (_head + Count) & _fifoMask;
        _fifoKeys[slot] = key;
        _fifoValues[slot] = value;
        _indexKeys[i] = key;
        _indexSlots[i] = slot + 1;
        Count++;
        return true;
    }

    /// <summary>Forgets the oldest held value (it was published).</summary>
    public void RemoveHead()
    {
        long key = _fifoKeys[_head];
        int i = Home(key);
        while (_indexKeys[i] != key || _indexSlots[i] == 0)
        {
            i = (i + 1) & _indexMask;
        }

        DeleteAt(i);
        _fifoValues[_head] = default;
        _head = (_head + 1) & _fifoMask;
        Count--;
    }

    /// <summary>Forgets everything held.</summary>
    public void Clear()
    {
        Array.Clear(_indexSlots);
        Array.Clear(_fifoValues);
        _head = 0;
        Count = 0;
    }

    private void DeleteAt(int i)
    {
        // Backward shift: move later entries of the probe run into the hole unless their home lies
        // cyclically in (hole, entry], where moving them would put them before their home.
        while (true)
        {
            _indexSlots[i] = 0;
            int j = i;
            while (true)
            {
                j = (j + 1) & _indexMask;
                if (_indexSlots[j] == 0)
                {
                    return;
                }

                int home = Home(_indexKeys[j]);
                bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
                if (!stays)
                {
                    _indexKeys[i] = _indexKeys[j];
                    _indexSlots[i] = _indexSlots[j];
                    i = j;
                    break;
                }
            }
        }
    }

    private int Home(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32) & _indexMask;
}
