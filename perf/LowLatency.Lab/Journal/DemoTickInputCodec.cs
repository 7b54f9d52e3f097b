using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LowLatency.Engine.Journal;
using LowLatency.Lab.Feed;

namespace LowLatency.Lab.Journal;

/// <summary>
/// Journals what enters the demo, not what its stages compute: the first 48 bytes of a <see cref="DemoTick"/> (source,
/// symbol, sequence, event time, price, quantity, checksum, intended send time), half of its 96. A replay decodes them
/// into a tick whose computed fields are zero, as every tick the feed publishes is, and the stages compute them again.
/// Half the bytes is half the fresh pages the journal takes from the kernel, the cost that bounds it on a small box.
/// </summary>
internal readonly struct DemoTickInputCodec : IJournalCodec<DemoTick>
{
    private const int InputBytes = 48;

    static DemoTickInputCodec()
    {
        // The input fields are the struct's first 48 bytes: a field moved in front of Status breaks that.
        DemoTick probe = default;
        if (Unsafe.ByteOffset(ref Unsafe.As<DemoTick, byte>(ref probe), ref Unsafe.As<TickStatus, byte>(ref probe.Status)) != InputBytes)
        {
            throw new InvalidOperationException($"DemoTick's input fields no longer end at byte {InputBytes}: update {nameof(DemoTickInputCodec)}.");
        }
    }

    public string EventType => "LowLatency.Lab.Feed.DemoTick/input";

    public int EventSize => InputBytes;

    public ulong SchemaHash => 0x44_54_49_4E_00_00_00_01; // "DTIN" v1: bump when an input field changes

    public bool IsRaw => false;

    public void Encode(in DemoTick e, Span<byte> destination) =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<DemoTick>(in e))[..InputBytes].CopyTo(destination);

    public void Decode(ReadOnlySpan<byte> source, ref DemoTick e)
    {
        e = default;
        source.CopyTo(MemoryMarshal.AsBytes(new Span<DemoTick>(ref e)));
    }
}
