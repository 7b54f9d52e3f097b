using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace LowLatency.Engine.State;

/// <summary>
/// A pre-sized open-addressing map from a key to a stable slot index in <c>[0, Capacity)</c> and to one small
/// value kept beside the key's bucket; callers keep further values in parallel arrays indexed by slot. Nothing is
/// allocated after construction.
/// </summary>
/// <remarks>
/// <para>Linear probing over a bucket array at most half full (¾ with values; so a miss ends after a short run), with
/// backward-shift deletion (no tombstones, so probe runs never degrade over time). Slots are handed out
/// from a free list and never move, which lets callers thread intrusive lists through them.
/// Single-threaded: owned by one operator on one stage thread.</para>
/// <para>The value lives in an array parallel to the buckets (it moves with its bucket): a lookup's two loads
/// (bucket, value) share one index known from the hash, so the CPU issues them together and a hit into a large table
/// costs one memory latency, not the two of a slot array read after the bucket. A reference returned to a value is
/// valid until the next <see cref="RemoveAt"/> or <see cref="Clear"/>.</para>
/// </remarks>
/// <typeparam name="TKey">An unmanaged, equatable key (symbol id, composite struct, ...).</typeparam>
/// <typeparam name="TValue">The hot value per key (<see cref="NoValue"/>: none, and no storage).</typeparam>
public class KeySlotTable<TKey, TValue>
    where TKey : unmanaged, IEquatable<TKey>
    where TValue : struct
{
    // Each bucket holds the hash, the slot and a copy of the key, so a lookup touches one cache line (the
    // by-slot key array serves KeyAt); the hash lets deletion re-home entries without rehashing.
    private readonly Bucket[] _buckets;
    private readonly TValue[] _values;   // by bucket; empty when TValue is NoValue
    private readonly int[] _bucketOf;    // by slot: where its bucket is; empty when TValue is NoValue
    private readonly TKey[] _keys;     // by slot
    private readonly bool[] _used;     // by slot
    private readonly int[] _nextFree;  // by slot: free-list link
    private readonly int _mask;
    private readonly int _shift;
    private int _freeHead;             // next never-used slot is _highWater when the list is empty (-1)
    private int _highWater;
    private int _count;

    /// <summary>Creates a table holding at most <paramref name="capacity"/> keys.</summary>
    public KeySlotTable(int capacity)
    {
        if (capacity < 1 || capacity > (1 << 28))
        {
            ThrowHelper.ThrowOption("capacity", capacity, "must be between 1 and 2^28.");
        }

        // At most half full, or ¾ with values (the value array is sized by buckets: a smaller table stays in cache);
        // always one empty bucket at least, which ends every probe.
        int buckets = (int)BitOperations.RoundUpToPowerOf2(HasValues ? ((uint)capacity * 4 / 3) + 1 : (uint)capacity * 2);
        _buckets = new Bucket[buckets];
        _mask = buckets - 1;
        _shift = 32 - BitOperations.Log2((uint)buckets);
        _keys = new TKey[capacity];
        _values = HasValues ? new TValue[buckets] : [];
        _bucketOf = HasValues ? new int[capacity] : [];
        _used = new bool[capacity];
        _nextFree = new int[capacity];
        _freeHead = -1;
    }

    /// <summary>The most keys the table holds.</summary>
    public int Capacity => _keys.Length;

    /// <summary>Folded per instantiation: the plain table pays nothing for values.</summary>
    private static bool HasValues => typeof(TValue) != typeof(NoValue);

    /// <summary>Keys held now.</summary>
    public int Count => _count;

    /// <summary>The key stored in <paramref name="slot"/>.</summary>
    public ref readonly TKey KeyAt(int slot) => ref _keys[slot];

    /// <summary>The slots handed out so far are all below this (iterate <c>[0, HighWater)</c> with <see cref="IsOccupied"/>).</summary>
    public int HighWater => _highWater;

    /// <summary>True when <paramref name="slot"/> holds a key.</summary>
    public bool IsOccupied(int slot) => _used[slot];

    /// <summary>The slot of <paramref name="key"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(in TKey key)
    {
        int i = Probe(key, Hash(key));
        return _buckets[i].SlotPlusOne - 1;
    }

    /// <summary>The value of <paramref name="key"/> and its <paramref name="slot"/>; a null reference and -1 when absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue FindValue(scoped in TKey key, out int slot) => ref Read().FindValue(key, out slot);

    /// <summary>
    /// Starts loading the lines a lookup of <paramref name="key"/> reads first (its home bucket and value), without
    /// waiting: called a few events ahead of the lookup, the lookup then finds them in cache. A hint only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(scoped in TKey key) => Read().Prefetch(key);

    /// <summary>The lookups of <see cref="FindValue"/> and <see cref="Prefetch"/> over the table as it is now (see <see cref="Reader"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Reader Read() => new(_buckets, _values, _mask, _shift);

    /// <summary>The value of the key in <paramref name="slot"/>.</summary>
    public ref TValue ValueAt(int slot)
    {
        Debug.Assert(HasValues && _used[slot], "a slot holding a key, in a table with values");
        return ref _values[_bucketOf[slot]];
    }

    /// <summary>
    /// The slot of <paramref name="key"/>, adding it when absent; -1 when absent and the table is full.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAdd(in TKey key, out bool added)
    {
        int hash = Hash(key);
        int i = Probe(key, hash);
        int slot = _buckets[i].SlotPlusOne - 1;
        if (slot < 0)
        {
            return AddAt(i, hash, key, out added);
        }

        added = false;
        return slot;
    }

    /// <summary>
    /// The slot of <paramref name="key"/>, adding it when absent; a full table first drops every key whose value
    /// <paramref name="isIdle"/> (asked only then). -1 when the table is full of keys in use.
    /// </summary>
    public int GetOrAdd(in TKey key, Predicate<TValue> isIdle)
    {
        int slot = GetOrAdd(key, out _);
        if (slot >= 0)
        {
            return slot;
        }

        int removed = 0;
        for (int s = 0; s < _highWater; s++)
        {
            if (_used[s] && isIdle(ValueAt(s)))
            {
                RemoveAt(s);
                removed++;
            }
        }

        return removed > 0 ? GetOrAdd(key, out _) : -1;
    }

    /// <summary>The bucket holding <paramref name="key"/>, or the empty bucket that ends its probe run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Probe(in TKey key, int hash) => Read().Probe(key, hash);

    /// <summary>Removes the key held in <paramref name="slot"/>; the slot becomes free.</summary>
    public void RemoveAt(int slot)
    {
        Debug.Assert(slot >= 0 && slot < _highWater, "a slot handed out by GetOrAdd");
        int i = Home(Hash(_keys[slot]));
        while (_buckets[i].SlotPlusOne - 1 != slot)
        {
            i = (i + 1) & _mask;
        }

        // Backward-shift: pull later members of the probe run into the hole when their home allows it.
        int hole = i;
        int j = (i + 1) & _mask;
        while (true)
        {
            if (_buckets[j].SlotPlusOne == 0)
            {
                break;
            }

            int home = Home(_buckets[j].Hash);
            if (((j - home) & _mask) >= ((j - hole) & _mask))
            {
                _buckets[hole] = _buckets[j];
                if (HasValues)
                {
                    _values[hole] = _values[j];
                    _bucketOf[_buckets[hole].SlotPlusOne - 1] = hole;
                }

                hole = j;
            }

            j = (j + 1) & _mask;
        }

        _buckets[hole] = default;
        if (HasValues)
        {
            _values[hole] = default;
        }

        _keys[slot] = default;
        _used[slot] = false;
        _nextFree[slot] = _freeHead;
        _freeHead = slot;
        _count--;
    }

    /// <summary>Removes every key; slots are handed out again from 0 in order.</summary>
    public void Clear()
    {
        if (_count > 0 && _count * 8 < _buckets.Length)
        {
            // Few keys in a large table: clear the probe run of each used slot instead of the whole array.
            for (int s = 0; s < _highWater; s++)
            {
                int home = Home(Hash(_keys[s]));
                if (_buckets[home].SlotPlusOne != 0)
                {
                    ClearRun(home);
                }
            }
        }
        else
        {
            Array.Clear(_buckets);
            Array.Clear(_values);
        }

        Array.Clear(_used, 0, _highWater);
        _count = 0;
        _highWater = 0;
        _freeHead = -1;
    }

    private void ClearRun(int i)
    {
        while (_buckets[i].SlotPlusOne != 0)
        {
            _buckets[i] = default;
            if (HasValues)
            {
                _values[i] = default;
            }

            i = (i + 1) & _mask;
        }
    }

    private int AddAt(int bucket, int hash, in TKey key, out bool added)
    {
        int slot;
        if (_freeHead >= 0)
        {
            slot = _freeHead;
            _freeHead = _nextFree[slot];
        }
        else if (_highWater < _keys.Length)
        {
            slot = _highWater++;
        }
        else
        {
            added = false;
            return -1;
        }

        _keys[slot] = key;
        _used[slot] = true;
        _buckets[bucket] = new Bucket { Hash = hash, SlotPlusOne = slot + 1, Key = key };
        if (HasValues)
        {
            _bucketOf[slot] = bucket;
        }

        _count++;
        added = true;
        return slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(int hash) => Home(hash, _shift, _mask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Home(int hash, int shift, int mask) => (int)((uint)hash >> shift) & mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(in TKey key) => (int)((uint)key.GetHashCode() * 0x9E3779B9u) | 1;

    /// <summary>
    /// The table's arrays, mask and shift, for a loop of lookups that adds and removes nothing: held in locals, they are
    /// not read from the table again at every lookup (its stores to values could alias them, as far as the JIT knows).
    /// Valid until the next add, remove or clear.
    /// </summary>
    internal readonly ref struct Reader
    {
        private readonly Span<Bucket> _buckets;
        private readonly Span<TValue> _values;
        private readonly int _mask;
        private readonly int _shift;

        internal Reader(Bucket[] buckets, TValue[] values, int mask, int shift)
        {
            _buckets = buckets;
            _values = values;
            _mask = mask;
            _shift = shift;
        }

        /// <inheritdoc cref="KeySlotTable{TKey, TValue}.FindValue"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref TValue FindValue(scoped in TKey key, out int slot)
        {
            int i = Probe(key, Hash(key));
            slot = _buckets[i].SlotPlusOne - 1;
            return ref slot >= 0 ? ref _values[i] : ref Unsafe.NullRef<TValue>();
        }

        /// <inheritdoc cref="KeySlotTable{TKey, TValue}.Prefetch"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public unsafe void Prefetch(scoped in TKey key)
        {
            if (Sse.IsSupported)
            {
                int i = Home(Hash(key), _shift, _mask);
                Sse.Prefetch0(Unsafe.AsPointer(ref _buckets[i]));
                if (HasValues)
                {
                    // Every line of the home value and the next one (a key displaced by one bucket, common at ¾ load):
                    // a value need not start a line and may end in the next.
                    byte* value = (byte*)Unsafe.AsPointer(ref _values[i]);
                    Sse.Prefetch0(value);
                    Sse.Prefetch0(value + Unsafe.SizeOf<TValue>() - 1);
                    Sse.Prefetch0(value + (2 * Unsafe.SizeOf<TValue>()) - 1);
                }
            }
        }

        /// <summary>The bucket holding <paramref name="key"/>, or the empty bucket that ends its probe run.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Probe(in TKey key, int hash)
        {
            int i = Home(hash, _shift, _mask);
            while (true)
            {
                ref Bucket b = ref _buckets[i];
                if (b.SlotPlusOne == 0 || (b.Hash == hash && b.Key.Equals(key)))
                {
                    return i;
                }

                i = (i + 1) & _mask;
            }
        }
    }

    internal struct Bucket
    {
        public int Hash;
        public int SlotPlusOne; // 0 = empty
        public TKey Key;
    }
}
