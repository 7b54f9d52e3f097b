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
/// <c>p</c> again holds a value that was not torn (a sequence lock). The writer fences fully (it is one thread, once per
/// update); the readers, many per update, need only their loads kept in order: <see cref="Volatile.ReadBarrier"/>,
/// which on x64 costs no instruction where a full fence is a locked one.</para>
/// <para>The log holds <see cref="LogCapacity"/> positions; a reader more than that behind has lost entries, and one
/// further behind than there are slots would mostly read superseded ones: either rescans the table instead, every slot
/// whose version is in the positions it passed over (<see cref="LiveConnection"/>).</para>
/// <para>Each slot also keeps the JSON of one version of its value, written by the first send loop that sends that
/// version (<see cref="WriteJson"/>): the other clients copy the bytes, so a value is formatted once however many
/// clients receive it. The cache has its own sequence lock, on the version it holds.</para>
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

    // Per slot, the JSON of the value at _jsonVersions[slot] (−1: none; Encoding: a send loop is writing it), in
    // _json[slot * _jsonStride ..] for _jsonLengths[slot] bytes. Written by whichever send loop wins the slot's
    // CompareExchange to Encoding; read by every send loop.
    private const long Encoding = -2;
    private readonly byte[] _json;
    private readonly int[] _jsonLengths;
    private readonly long[] _jsonVersions;
    private readonly int _jsonStride;

    // Positions below it are written (Volatile.Write by the fan-out thread after each batch; Volatile.Read by readers).
    private long _head;

    // Slots in use (Volatile.Write by the fan-out thread, before the new slot's first version; read by rescans).
    private int _slots;

    /// <param name="maxKeys">Distinct (topic, key) pairs the table holds; an update of a new key beyond them is refused and counted.</param>
    /// <param name="logCapacity">Positions the log keeps (a power of two).</param>
    /// <param name="maxUnpublished">The most updates the writer appends between two <see cref="Publish"/> calls.</param>
    /// <param name="maxJsonBytes">The most bytes one update's JSON takes (<see cref="FrameEncoder.MaxJsonUpdateBytes"/>).</param>
    public LatestValues(int maxKeys, int logCapacity, int maxUnpublished, int maxJsonBytes)
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
        _json = new byte[(long)maxKeys * maxJsonBytes];
        _jsonLengths = new int[maxKeys];
        _jsonVersions = new long[maxKeys];
        Array.Fill(_jsonVersions, -1);
        _jsonStride = maxJsonBytes;
    }

    /// <summary>Positions the log keeps.</summary>
    public int LogCapacity => _log.Length;

    /// <summary>The first position not yet readable.</summary>
    public long Head => Volatile.Read(ref _head);

    /// <summary>Slots in use.</summary>
    public int SlotCount => Volatile.Read(ref _slots);

    /// <summary>Updates refused because the table held its maximum of keys (fan-out thread; read approximately elsewhere).</summary>
    public long Refused => Volatile.Read(ref _refused);

    /// <summary>What the table (with its JSON of each key's value) and the log take.</summary>
    public static long BytesFor(int maxKeys, int logCapacity, int maxJsonBytes) =>
        ((long)maxKeys * (Unsafe.SizeOf<LiveUpdate>() + sizeof(long) + sizeof(long) + 24 + maxJsonBytes + sizeof(int) + sizeof(long)))
        + ((long)logCapacity * sizeof(int));

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
        Volatile.ReadBarrier(); // the entries were read before the head below
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
        Volatile.ReadBarrier(); // the copy's loads complete before the version is read again
        return Volatile.Read(ref _versions[slot]) == position;
    }

    /// <summary>
    /// Send loop: writes the JSON of <paramref name="value"/>, the value of <paramref name="slot"/> at
    /// <paramref name="version"/> (from <see cref="TryRead"/>), to <paramref name="destination"/> (room for
    /// maxJsonBytes); returns its length. Copies the slot's cached JSON when it holds that version; otherwise encodes
    /// the value, and leaves a copy in the cache when no other loop is writing it and the cache holds an older version. Never waits:
    /// a loop that finds the cache being written encodes into its own frame (and counts it in <paramref name="encoded"/>).
    /// </summary>
    public int WriteJson(int slot, long version, in LiveUpdate value, LiveTopic topic, Span<byte> destination, ref int encoded)
    {
        Debug.Assert(version >= 0, "a version read by TryRead");
        Span<byte> cache = _json.AsSpan(slot * _jsonStride, _jsonStride);
        long cached = Volatile.Read(ref _jsonVersions[slot]);
        if (cached == version)
        {
            // Ordered: the length and bytes are read after the version (acquire), and the version again after them.
            int length = Volatile.Read(ref _jsonLengths[slot]);
            cache[..length].CopyTo(destination);
            Volatile.ReadBarrier();
            if (Volatile.Read(ref _jsonVersions[slot]) == version)
            {
                return length;
            }
        }
        else if (cached != Encoding && cached < version && Interlocked.CompareExchange(ref _jsonVersions[slot], Encoding, cached) == cached)
        {
            // This loop owns the cache until it publishes the version (release, after the bytes and the length). It
            // encodes into its own frame first: once published, the cache may be claimed and rewritten for a newer
            // version at any moment, so copying out of it afterwards could tear.
            int length = FrameEncoder.WriteJsonUpdate(in value, topic, destination);
            destination[..length].CopyTo(cache);
            _jsonLengths[slot] = length;
            Volatile.Write(ref _jsonVersions[slot], version);
            encoded++;
            return length;
        }

        encoded++;
        return FrameEncoder.WriteJsonUpdate(in value, topic, destination);
    }

    /// <summary>The topic id of a conflation key.</summary>
    public static int TopicOf(long conflationKey) => (int)(conflationKey & 0xFF);

    /// <summary>The key of a conflation key.</summary>
    public static long KeyPart(long conflationKey) => conflationKey >> 8;
}
