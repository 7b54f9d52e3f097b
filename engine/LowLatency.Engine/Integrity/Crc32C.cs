using System.Buffers;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LowLatency.Engine.Integrity;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78; RFC 3720 §B.4): the checksum of wire format
/// v2 batches and of journal records. Check value: <c>Compute("123456789"u8) == 0xE3069283</c>.
/// </summary>
/// <remarks>
/// <para><see cref="BitOperations.Crc32C(uint, ulong)"/> compiles to the SSE4.2 / ARMv8 <c>crc32</c>
/// instruction where the CPU has it and to a table lookup where it does not, so this class has one code
/// path and the same result everywhere.</para>
/// <para>Three speeds, one result. On x64 with PCLMULQDQ (every x64 CPU since 2010) buffers of 128 bytes or
/// more are folded by carry-less multiplication, 256 bytes a step with AVX-512 VPCLMULQDQ (measured on the
/// 2-core EPYC: ~3× the three-lane <c>crc32</c> loop below, ~8× a single chain). Elsewhere one <c>crc32</c>
/// takes 8 bytes with a 3-cycle latency but issues every cycle, so buffers of at least 768 bytes are cut into
/// three lanes computed as independent chains and joined by shifting the first two lanes' state past the
/// bytes that follow them (the CRC is linear: shifting a state by <c>n</c> zero bytes is a fixed 32×32 bit
/// matrix, applied as four 256-entry tables). Short buffers take the single chain.</para>
/// <para>The loops are compiled fully optimised on first call (no tiering): a connection's first batches are checked
/// at full speed rather than by unoptimised vector code for the first second or so.</para>
/// <para>Values are the finished CRC (initial value and final XOR 0xFFFFFFFF applied), so
/// <see cref="Append(uint, ReadOnlySpan{byte})"/> continues a CRC across pieces:
/// <c>Append(Compute(a), b) == Compute(a ++ b)</c>.</para>
/// </remarks>
public static class Crc32C
{
    /// <summary>Bytes per lane of the three-chain loop: long enough that the join (eight table reads) is noise.</summary>
    private const int LaneBytes = 256;

    private const int StripeBytes = 3 * LaneBytes;

    /// <summary>Shortest buffer worth the folding loop: its four accumulators start on 64 bytes.</summary>
    private const int FoldMinimum = 128;

    // s_shift[k][b]: the state b << 8k moved past LaneBytes zero bytes. Read-only after the type initialiser.
    private static readonly uint[] s_shift = BuildShiftTable(LaneBytes);

    // Multipliers that move a 16-byte block 512 and 128 bits later (see Fold). Read-only after the type initialiser.
    private static readonly Vector128<ulong> s_foldBy512 = FoldConstants(512);
    private static readonly Vector128<ulong> s_foldBy128 = FoldConstants(128);
    private static readonly Vector512<ulong> s_foldBy2048 = Wide(FoldConstants(2048));

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Update(uint state, ReadOnlySpan<byte> data) =>
        Pclmulqdq.IsSupported && data.Length >= FoldMinimum
            ? UpdateFolding(state, data, wide: Pclmulqdq.V512.IsSupported)
            : UpdateWithLanes(state, data);

    /// <summary>The raw update (no inversions) by carry-less folding; the caller checked <see cref="Pclmulqdq"/> (and its V512 for <paramref name="wide"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static uint UpdateFolding(uint state, ReadOnlySpan<byte> data, bool wide)
    {
        Debug.Assert(data.Length >= 64, "the four accumulators start on 64 bytes");
        int folded = data.Length & ~15;
        state = Fold(state, ref MemoryMarshal.GetReference(data), (nuint)folded, wide);
        return UpdateWithLanes(state, data[folded..]);
    }

    /// <summary>The raw update (no inversions) with the <c>crc32</c> instruction: three lanes per stripe, then one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static uint UpdateWithLanes(uint state, ReadOnlySpan<byte> data)
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

    /// <summary>
    /// Carry-less multiplication folding (Intel, "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ"):
    /// four 16-byte accumulators each fold 64 bytes ahead per step, are folded into one, and the last 16 bytes
    /// they stand for go through the <c>crc32</c> instruction. <paramref name="length"/> is a multiple of 16, ≥ 64.
    /// </summary>
    /// <remarks>
    /// Bytes are the reflected polynomial (byte 0 bit 0 is the highest power), so a 16-byte block is
    /// <c>L·x⁶⁴ + H</c> with L its low lane. Moving it <c>D</c> bits later is multiplying by <c>xᴰ</c>:
    /// <c>L·x^(D+64) + H·x^D ≡ L·k₁ + H·k₂ (mod P)</c>. A reflected carry-less product lands one bit short of
    /// the 128-bit block's alignment, so the constants are <c>x^(D+63) mod P</c> and <c>x^(D−1) mod P</c>,
    /// computed at start-up rather than copied as magic numbers (<see cref="FoldConstants"/>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint Fold(uint state, ref byte start, nuint length, bool wide)
    {
        Vector128<ulong> by512 = s_foldBy512;
        Vector128<ulong> by128 = s_foldBy128;
        Vector128<ulong> a0;
        Vector128<ulong> a1;
        Vector128<ulong> a2;
        Vector128<ulong> a3;
        nuint i;
        if (wide && length >= 256)
        {
            // AVX-512 VPCLMULQDQ: the same four-block fold, four 64-byte accumulators at a time (256 bytes a step).
            Vector512<ulong> by2048 = s_foldBy2048;
            Vector512<ulong> w0 = Vector512.LoadUnsafe(ref start).AsUInt64() ^ Vector512.CreateScalar(state).AsUInt64();
            Vector512<ulong> w1 = Vector512.LoadUnsafe(ref start, 64).AsUInt64();
            Vector512<ulong> w2 = Vector512.LoadUnsafe(ref start, 128).AsUInt64();
            Vector512<ulong> w3 = Vector512.LoadUnsafe(ref start, 192).AsUInt64();
            for (i = 256; i + 256 <= length; i += 256)
            {
                w0 = FoldInto(w0, by2048, Vector512.LoadUnsafe(ref start, i).AsUInt64());
                w1 = FoldInto(w1, by2048, Vector512.LoadUnsafe(ref start, i + 64).AsUInt64());
                w2 = FoldInto(w2, by2048, Vector512.LoadUnsafe(ref start, i + 128).AsUInt64());
                w3 = FoldInto(w3, by2048, Vector512.LoadUnsafe(ref start, i + 192).AsUInt64());
            }

            // Four 64-byte accumulators into one, then its four 16-byte lanes are the 128-bit accumulators below.
            Vector512<ulong> by512Wide = Wide(by512);
            Vector512<ulong> w = FoldInto(FoldInto(FoldInto(w0, by512Wide, w1), by512Wide, w2), by512Wide, w3);
            a0 = w.GetLower().GetLower();
            a1 = w.GetLower().GetUpper();
            a2 = w.GetUpper().GetLower();
            a3 = w.GetUpper().GetUpper();
        }
        else
        {
            a0 = Vector128.LoadUnsafe(ref start).AsUInt64() ^ Vector128.CreateScalar(state).AsUInt64();
            a1 = Vector128.LoadUnsafe(ref start, 16).AsUInt64();
            a2 = Vector128.LoadUnsafe(ref start, 32).AsUInt64();
            a3 = Vector128.LoadUnsafe(ref start, 48).AsUInt64();
            i = 64;
        }

        for (; i + 64 <= length; i += 64)
        {
            a0 = FoldInto(a0, by512, Vector128.LoadUnsafe(ref start, i).AsUInt64());
            a1 = FoldInto(a1, by512, Vector128.LoadUnsafe(ref start, i + 16).AsUInt64());
            a2 = FoldInto(a2, by512, Vector128.LoadUnsafe(ref start, i + 32).AsUInt64());
            a3 = FoldInto(a3, by512, Vector128.LoadUnsafe(ref start, i + 48).AsUInt64());
        }

        Vector128<ulong> a = FoldInto(FoldInto(FoldInto(a0, by128, a1), by128, a2), by128, a3);
        for (; i < length; i += 16)
        {
            a = FoldInto(a, by128, Vector128.LoadUnsafe(ref start, i).AsUInt64());
        }

        return BitOperations.Crc32C(BitOperations.Crc32C(0u, a.GetElement(0)), a.GetElement(1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> FoldInto(Vector512<ulong> block, Vector512<ulong> constants, Vector512<ulong> next) =>
        Pclmulqdq.V512.CarrylessMultiply(block, constants, 0x00) ^ Pclmulqdq.V512.CarrylessMultiply(block, constants, 0x11) ^ next;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> FoldInto(Vector128<ulong> block, Vector128<ulong> constants, Vector128<ulong> next) =>
        Pclmulqdq.CarrylessMultiply(block, constants, 0x00) ^ Pclmulqdq.CarrylessMultiply(block, constants, 0x11) ^ next;

    /// <summary>The same 128-bit constants in each of the four lanes.</summary>
    private static Vector512<ulong> Wide(Vector128<ulong> lane) => Vector512.Create(Vector256.Create(lane, lane), Vector256.Create(lane, lane));

    /// <summary>The (low lane, high lane) multipliers that move a 16-byte block <paramref name="bits"/> later.</summary>
    private static Vector128<ulong> FoldConstants(int bits) => Vector128.Create(ReflectedPowerOfX(bits + 63), ReflectedPowerOfX(bits - 1));

    /// <summary><c>xⁿ mod P</c> with the coefficient of <c>xᵈ</c> at bit <c>63 − d</c> (P = 0x1EDC6F41, the normal form).</summary>
    private static ulong ReflectedPowerOfX(int n)
    {
        ulong remainder = 1;
        for (int k = 0; k < n; k++)
        {
            remainder <<= 1;
            if ((remainder & (1UL << 32)) != 0)
            {
                remainder ^= 0x1_1EDC_6F41UL;
            }
        }

        ulong reflected = 0;
        for (int d = 0; d < 32; d++)
        {
            if ((remainder & (1UL << d)) != 0)
            {
                reflected |= 1UL << (63 - d);
            }
        }

        return reflected;
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
