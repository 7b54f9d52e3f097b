using System.Runtime.CompilerServices;
using LowLatency.Engine;

namespace LowLatency.Lab.Bench.Engine;

/// <summary>
/// The producer loops of the engine scenarios: event <c>i</c> carries the value <c>i</c>, so consumers can check
/// the sum. Compiled fully optimized on the first call, as the hand-written ring's loops are: a loop in a method
/// that runs only a handful of times would otherwise run as on-stack-replacement code, its locals spilled to
/// the stack, and the benchmark would measure the JIT's tiering instead of the ring.
/// </summary>
internal static class BenchProducer
{
    /// <summary>Claims and publishes the values <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 one at a time.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void PublishOneAtATime(RingBuffer<BenchEvent> ring, long first, long count)
    {
        for (long i = first; i < first + count; i++)
        {
            long sequence = ring.Next();
            ring[sequence].Value = i;
            ring.Publish(sequence);
        }
    }

    /// <summary>
    /// Claims <paramref name="batch"/> slots at a time, writes them in place and publishes the range; the value is
    /// the sequence (a single producer starting at 0). <paramref name="n"/> must be a multiple of the batch.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void PublishInBatches(RingBuffer<BenchEvent> ring, long n, int batch)
    {
        for (long i = 0; i < n; i += batch)
        {
            long high = ring.Next(batch);
            long low = high - (batch - 1);

            // The claimed slots as spans (two when the claim wraps): writes through a span keep the slot
            // address in a register, where the ring's indexer is re-read after every store through a ref.
            for (long s = low; s <= high;)
            {
                Span<BenchEvent> slots = ring.GetContiguousSpan(s, (int)(high - s + 1));
                for (int k = 0; k < slots.Length; k++)
                {
                    slots[k].Value = s + k;
                }

                s += slots.Length;
            }

            ring.Publish(low, high);
        }
    }
}
