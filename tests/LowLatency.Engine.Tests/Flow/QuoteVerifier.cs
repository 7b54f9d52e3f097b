using LowLatency.Engine.Processing;

namespace LowLatency.Engine.Tests.Flow;

/// <summary>
/// Counts what arrived at a stage: total, per-key last sequence, reordering (a per-key sequence going
/// backwards or repeating). Written by one consumer thread; read after the pipeline drained.
/// </summary>
internal sealed class QuoteVerifier(int keys)
{
    public readonly long[] LastByKey = Enumerable.Repeat(-1L, keys).ToArray();
    public long Arrived;
    public long Reordered;
    public int SlowSpins;

    public void See(in Quote quote)
    {
        if (quote.KeySequence <= LastByKey[quote.Key])
        {
            Reordered++;
        }

        LastByKey[quote.Key] = quote.KeySequence;
        Arrived++;
        if (SlowSpins > 0)
        {
            Thread.SpinWait(SlowSpins);
        }
    }
}

/// <summary>A stage (or poller handler) that feeds a <see cref="QuoteVerifier"/>.</summary>
internal readonly struct VerifyingHandler(QuoteVerifier verifier) : IEventHandler<Quote>
{
    public void OnEvent(ref Quote data, long sequence, bool endOfBatch) => verifier.See(in data);
}
