using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// The hub's newest value per (topic, key) and the log of which key changed, in order (its positions count every
/// update). The fan-out thread is the only writer; every connection's send loop reads at its own pace, keeping only a
/// position in the log. An update therefore costs the fan-out thread the same whether one client or ten thousand
/// listen, and a client that does not read costs nothing at all until it reads again.
/// </summary>
/// <remarks>
/// <para>A log entry is the slot its update wrote. A reader at position <c>p</c> sends the slot's value when the
/// slot's version is still <c>p</c> (no newer value of that key since) and counts it conflated otherwise. A slot's
/// version is −1 while the writer copies a value in, so a reader that saw version <c>p</c>, copied the value and sees
/// <c>p</c> again holds a value that was not torn (a sequence lock).</para>
/// <para>The log holds <see cref="LogCapacity"/> positions; a reader more than that behind has lost entries and
/// rescans the table instead: every slot whose version is in the positions it missed (<see cref="LiveConnection"/>).</para>
/// </remarks>
internal sealed class LatestValues
{
    // Fan-out thread only.
    private readonly Dictionary<long, int> _slotOf;
    private long _next;
    private long _refused;

    // Written by the fan-out thread; read by send loops. _keys[slot] is written once, before the slot's first version.
    private readonly long[] _keys;
    private readonly LiveUpdate[] _values;
    private readonly long[] _versions;
    private readonly int[] _log;
    private readonly int _mask;
    private readonly int _maxUnpublished;

    // Positions below it are written (Volatile.Write by the fan-out thread after each batch; Volatile.Read by readers).
    private long _head;

    // Slots in use (Volatile.Write by the fan-out thread, before the new slot's first version; read by rescans).
    private int _slots;

    /// <param name="maxKeys">Distinct (topic, key) pairs the table holds; an update of a new key beyond them is refused and counted.</param>
    /// <param name="logCapacity">Positions the log keeps (a power of two).</param>
    /// <param name="maxUnpublished">The most updates the writer appends between two <see cref="Publish"/> calls.</param>
    public LatestValues(int maxKeys, int logCapacity, int maxUnpublished)
    {
        Debug.Assert(int.IsPow2(logCapacity) && maxUnpublished < logCapacity);
        _slotOf = new Dictionary<long, int>(maxKeys);
        _keys = new long[maxKeys];
        _values = new LiveUpdate[maxKeys];
        _versions = new long[maxKeys];
        Array.Fill(_versions, -1);
        _log = new int[logCapacity];
        _mask = logCapacity - 1;
        _maxUnpublished = maxUnpublished;
    }

    /// <summary>Positions the log keeps.</summary>
    public int LogCapacity => _log.Length;

    /// <summary>The first position not yet readable.</summary>
    public long Head => Volatile.Read(ref _head);

    /// <summary>Slots in use.</summary>
    public int SlotCount => Volatile.Read(ref _slots);

    /// <summary>Updates refused because the table held its maximum of keys (fan-out thread; read approximately elsewhere).</summary>
    public long Refused => Volatile.Read(ref _refused);

    /// <summary>What the table and the log take.</summary>
    public static long BytesFor(int maxKeys, int logCapacity) =>
        ((long)maxKeys * (Unsafe.SizeOf<LiveUpdate>() + sizeof(long) + sizeof(long) + 24)) + ((long)logCapacity * sizeof(int));

    /// <summary>Fan-out thread: makes <paramref name="update"/> its key's newest value and logs it (readable after <see cref="Publish"/>).</summary>
    public void Append(in LiveUpdate update)
    {
        long key = update.ConflationKey;
        if (!_slotOf.TryGetValue(key, out int slot))
        {
            if (_slots == _keys.Length)
            {
                Volatile.Write(ref _refused, _refused + 1);
                return;
            }

            slot = _slots;
            _slotOf.Add(key, slot);
            _keys[slot] = key;
            Volatile.Write(ref _slots, slot + 1);
        }

        long position = _next++;
        Debug.Assert(position - Volatile.Read(ref _head) < _maxUnpublished, "Publish at least every maxUnpublished appends");

        // Ordered: the version goes to −1 (full fence) before the value changes, and to the position after (release).
        Interlocked.Exchange(ref _versions[slot], -1);
        _values[slot] = update;
        Volatile.Write(ref _versions[slot], position);
        _log[(int)position & _mask] = slot;
    }

    /// <summary>Fan-out thread: makes every appended update readable.</summary>
    public void Publish() => Volatile.Write(ref _head, _next);

    /// <summary>The slot logged at <paramref name="position"/> (valid only if <see cref="IsStillLogged"/> says so afterwards).</summary>
    public int SlotAt(long position) => _log[(int)position & _mask];

    /// <summary>
    /// After reading entries from <paramref name="position"/> on: true when none of them can have been overwritten yet.
    /// The writer is never more than maxUnpublished positions past <see cref="Head"/>, and it overwrites the entry of
    /// <paramref name="position"/> only when it writes position + <see cref="LogCapacity"/>.
    /// </summary>
    public bool IsStillLogged(long position)
    {
        Interlocked.MemoryBarrier(); // the entries were read before the head below
        return Head + _maxUnpublished <= position + _log.Length;
    }

    /// <summary>The (topic, key) of <paramref name="slot"/> (<see cref="LiveUpdate.ConflationKey"/>).</summary>
    public long KeyOf(int slot) => _keys[slot];

    /// <summary>The position of the slot's newest value; −1 while it is being written or was never written.</summary>
    public long VersionOf(int slot) => Volatile.Read(ref _versions[slot]);

    /// <summary>Copies the slot's value if <paramref name="position"/> is still its newest; false when a newer value superseded it.</summary>
    public bool TryRead(int slot, long position, out LiveUpdate value)
    {
        if (Volatile.Read(ref _versions[slot]) != position)
        {
            value = default;
            return false;
        }

        value = _values[slot];
        Interlocked.MemoryBarrier(); // the copy completes before the version is read again
        return Volatile.Read(ref _versions[slot]) == position;
    }

    /// <summary>The topic id of a conflation key.</summary>
    public static int TopicOf(long conflationKey) => (int)(conflationKey & 0xFF);

    /// <summary>The key of a conflation key.</summary>
    public static long KeyPart(long conflationKey) => conflationKey >> 8;
}
