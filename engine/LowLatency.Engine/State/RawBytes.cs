using System.Runtime.InteropServices;

namespace LowLatency.Engine.State;

/// <summary>
/// Keys and accumulators in snapshots: an unmanaged value's bytes exactly as they are in memory. The snapshot's
/// identity names the type and its size, so a snapshot is only read back into the same layout.
/// </summary>
internal static class RawBytes
{
    /// <summary>Writes the bytes of <paramref name="value"/>.</summary>
    public static void WriteRaw<T>(this BinaryWriter writer, in T value)
        where T : unmanaged => writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));

    /// <summary>Reads a value written by <see cref="WriteRaw{T}"/>.</summary>
    public static T ReadRaw<T>(this BinaryReader reader)
        where T : unmanaged
    {
        T value = default;
        reader.ReadRaw(ref value);
        return value;
    }

    /// <summary>Reads a value written by <see cref="WriteRaw{T}"/> into <paramref name="value"/> (in place: an array element).</summary>
    public static void ReadRaw<T>(this BinaryReader reader, ref T value)
        where T : unmanaged => reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(new Span<T>(ref value)));
}
