using System.Buffers.Binary;
using System.Numerics;
using BenchmarkDotNet.Attributes;
using LowLatency.Engine.Integrity;

namespace LowLatency.Benchmarks.Integrity;

/// <summary>
/// CRC-32C of one <c>bench --scenario tcp</c> batch payload (1024 ticks of 32 bytes + 20): the folding path the
/// public entry takes on this CPU, the three-lane <c>crc32</c> path (ARM and pre-PCLMUL x64), and the single
/// <c>crc32</c> chain as the baseline. Divide by 1024 for the cost per tick the TCP source adds.
/// </summary>
[Config(typeof(BenchConfig))]
[MemoryDiagnoser]
public class Crc32CBenchmarks
{
    private readonly byte[] _payload = new byte[(1024 * 32) + 20];

    [GlobalSetup]
    public void Setup() => new Random(32).NextBytes(_payload);

    [Benchmark(Baseline = true)]
    public uint SingleChain()
    {
        uint state = 0xFFFFFFFF;
        ReadOnlySpan<byte> data = _payload;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        for (; i < data.Length; i++)
        {
            state = BitOperations.Crc32C(state, data[i]);
        }

        return ~state;
    }

    [Benchmark]
    public uint ThreeLanes() => ~Crc32C.UpdateWithLanes(0xFFFFFFFF, _payload);

    [Benchmark]
    public uint Compute() => Crc32C.Compute(_payload);
}
