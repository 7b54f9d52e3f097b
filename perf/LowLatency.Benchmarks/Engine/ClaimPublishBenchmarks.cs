using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using LowLatency.Engine;
using LowLatency.Engine.Sequencing;
using LowLatency.Engine.Waiting;

namespace LowLatency.Benchmarks.Engine;

/// <summary>
/// The producer's own cost, with no consumer thread: claim, write and publish one lap of a ring, after which
/// the benchmark moves the ring's only gating sequence itself, so a claim never waits. Next to it, the same
/// lap through a bare array and a padded cursor: what a claim-and-publish costs above two plain stores; and
/// the one-at-a-time loop through a <see cref="RingProducer{T}"/>, which keeps the claim state in registers.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class ClaimPublishBenchmarks
{
    private const int Capacity = 1 << 16;

    private RingBuffer<ValueEvent> _ring = null!;
    private readonly Sequence _gate = new();
    private readonly long[] _slots = new long[Capacity];
    private readonly Sequence _cursor = new();
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _ring = RingBuffer<ValueEvent>.CreateSingleProducer(Capacity, YieldingWaitStrategy.Instance);
        _ring.Sequencer.AddGatingSequence(_gate);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Capacity, Description = "array + cursor, no engine")]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void HandWritten()
    {
        long[] slots = _slots;
        long end = _next + Capacity;
        for (long s = _next; s < end; s++)
        {
            slots[s & (Capacity - 1)] = s;
            _cursor.SetRelease(s);
        }

        _next = end;
    }

    [Benchmark(OperationsPerInvoke = Capacity, Description = "Next + write + Publish, one at a time")]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OneAtATime()
    {
        RingBuffer<ValueEvent> ring = _ring;
        for (int i = 0; i < Capacity; i++)
        {
            long sequence = ring.Next();
            ring[sequence].Value = sequence;
            ring.Publish(sequence);
        }

        _gate.SetRelease(ring.Cursor.ValueRelaxed);
    }

    // The loop ends on the sequence, as the hand-written lap does: the producer's slow-path call takes the
    // callee-saved registers, so a separate loop counter lives on the stack (the next benchmark shows its cost).
    [Benchmark(OperationsPerInvoke = Capacity, Description = "RingProducer: Next + write + Publish, one at a time")]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OneAtATimeThroughProducer()
    {
        RingProducer<ValueEvent> producer = _ring.CreateProducer();
        long last = _ring.Cursor.ValueRelaxed + Capacity;
        long sequence;
        do
        {
            sequence = producer.Next();
            producer[sequence].Value = sequence;
            producer.Publish(sequence);
        }
        while (sequence < last);

        _gate.SetRelease(_ring.Cursor.ValueRelaxed);
    }

    [Benchmark(OperationsPerInvoke = Capacity, Description = "RingProducer, loop on a separate counter")]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OneAtATimeThroughProducerCounted()
    {
        RingProducer<ValueEvent> producer = _ring.CreateProducer();
        for (int i = 0; i < Capacity; i++)
        {
            long sequence = producer.Next();
            producer[sequence].Value = sequence;
            producer.Publish(sequence);
        }

        _gate.SetRelease(_ring.Cursor.ValueRelaxed);
    }

    // 16 divides the capacity, so a claim never straddles the wrap and one span covers it.
    [Benchmark(OperationsPerInvoke = Capacity, Description = "Next(16) + span writes + Publish(low, high)")]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BatchOfSixteen()
    {
        RingBuffer<ValueEvent> ring = _ring;
        for (int i = 0; i < Capacity; i += 16)
        {
            long high = ring.Next(16);
            long low = high - 15;
            Span<ValueEvent> slots = ring.GetContiguousSpan(low, 16);
            for (int k = 0; k < slots.Length; k++)
            {
                slots[k].Value = low + k;
            }

            ring.Publish(low, high);
        }

        _gate.SetRelease(ring.Cursor.ValueRelaxed);
    }
}
