using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LowLatency.Engine.Integrity;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78; RFC 3720 §B.4): the checksum of wire format
/// v2 batches and of journal records. Check value: <c>Compute("123456789"u8) == 0xE3069283</c>.
/// </summary>
/// <remarks>
/// <para><see cref="BitOperations.Crc32C(uint, ulong)"/> compiles to the SSE4.2 / ARMv8 <c>crc32</c>
/// instruction where the CPU has it and to a table lookup where it does not, so this class has one code
/// path and the same result everywhere.</para>
/// <para>One <c>crc32</c> takes 8 bytes with a 3-cycle latency but issues every cycle, so a single chain
/// runs at a third of the instruction's throughput. Buffers of at least <see cref="StripeBytes"/> are cut
/// into three lanes of <see cref="LaneBytes"/> computed as three independent chains and joined by
/// shifting the first two lanes' state past the bytes that follow them (the CRC is linear: shifting a
/// state by <c>n</c> zero bytes is a fixed 32×32 bit matrix, applied here as four 256-entry tables).</para>
/// <para>Values are the finished CRC (initial value and final XOR 0xFFFFFFFF applied), so
/// <see cref="Append(uint, ReadOnlySpan{byte})"/> continues a CRC across pieces:
/// <c>Append(Compute(a), b) == Compute(a ++ b)</c>.</para>
/// </remarks>
public static class Crc32C
{
    /// <summary>Bytes per lane of the three-chain loop: long enough that the join (eight table reads) is noise.</summary>
    private const int LaneBytes = 256;

    private const int StripeBytes = 3 * LaneBytes;

    // s_shift[k][b]: the state b << 8k moved past LaneBytes zero bytes. Read-only after the type initialiser.
    private static readonly uint[] s_shift = BuildShiftTable(LaneBytes);

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>The CRC-32C of everything <paramref name="crc"/> covered followed by <paramref name="data"/>.</summary>
    /// <param name="crc">A finished CRC-32C (0 for nothing yet).</param>
    /// <param name="data">The bytes that follow.</param>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => ~Update(~crc, data);

    /// <summary>The CRC-32C of everything <paramref name="crc"/> covered followed by every segment of <paramref name="data"/>.</summary>
    /// <param name="crc">A finished CRC-32C (0 for nothing yet).</param>
    /// <param name="data">The bytes that follow, in one or more segments.</param>
    public static uint Append(uint crc, in ReadOnlySequence<byte> data)
    {
        if (data.IsSingleSegment)
        {
            return Append(crc, data.FirstSpan);
        }

        uint state = ~crc;
        foreach (ReadOnlyMemory<byte> segment in data)
        {
            state = Update(state, segment.Span);
        }

        return ~state;
    }

    private static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;
        if (length >= StripeBytes)
        {
            ref uint shift = ref MemoryMarshal.GetArrayDataReference(s_shift);
            nuint stripes = length / StripeBytes;
            for (nuint s = 0; s < stripes; s++)
            {
                uint a = state;
                uint b = 0;
                uint c = 0;
                for (nuint k = 0; k < LaneBytes; k += 8)
                {
                    a = BitOperations.Crc32C(a, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i + k)));
                    b = BitOperations.Crc32C(b, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i + LaneBytes + k)));
                    c = BitOperations.Crc32C(c, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i + (2 * LaneBytes) + k)));
                }

                state = Shift(ref shift, Shift(ref shift, a) ^ b) ^ c;
                i += StripeBytes;
            }
        }

        for (; i + 8 <= length; i += 8)
        {
            state = BitOperations.Crc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
        }

        for (; i < length; i++)
        {
            state = BitOperations.Crc32C(state, Unsafe.Add(ref start, i));
        }

        return state;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Shift(ref uint table, uint state) =>
        Unsafe.Add(ref table, (nint)(state & 0xFF))
        ^ Unsafe.Add(ref table, 256 + (nint)((state >> 8) & 0xFF))
        ^ Unsafe.Add(ref table, 512 + (nint)((state >> 16) & 0xFF))
        ^ Unsafe.Add(ref table, 768 + (nint)(state >> 24));

    private static uint[] BuildShiftTable(int zeroBytes)
    {
        // The shift is linear in the state: find where each of the 32 bits goes, then combine per byte.
        Span<uint> bit = stackalloc uint[32];
        for (int b = 0; b < 32; b++)
        {
            uint state = 1u << b;
            for (int z = 0; z < zeroBytes; z += 8)
            {
                state = BitOperations.Crc32C(state, 0UL);
            }

            bit[b] = state;
        }

        uint[] table = new uint[4 * 256];
        for (int k = 0; k < 4; k++)
        {
            for (int value = 0; value < 256; value++)
            {
                uint shifted = 0;
                for (int b = 0; b < 8; b++)
                {
                    if ((value & (1 << b)) != 0)
                    {
                        shifted ^= bit[(8 * k) + b];
                    }
                }

                table[(256 * k) + value] = shifted;
            }
        }

        return table;
    }
}
