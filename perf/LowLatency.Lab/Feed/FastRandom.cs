using System.Runtime.CompilerServices;

namespace LowLatency.Lab.Feed;

/// <summary>xoshiro256** : a seeded generator with no allocation and no locking, for the feed thread only.</summary>
internal struct FastRandom
{
    // Not readonly: NextUInt64 advances the state in place.
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public FastRandom(ulong seed)
    {
        // SplitMix64 expands the seed so that nearby seeds give unrelated streams.
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="bound"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long NextInt64(long bound) => (long)((UInt128)NextUInt64() * (ulong)bound >> 64);

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
