using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// Spins briefly, then calls <see cref="Thread.Yield"/> between checks: near busy-spin latency, and a
/// waiting thread gives its core to any other ready thread (on an oversubscribed box, the producer).
/// </summary>
public sealed class YieldingWaitStrategy : IWaitStrategy
{
    private const int SpinTries = 100;

    /// <summary>A shared instance (the strategy has no state).</summary>
    public static readonly YieldingWaitStrategy Instance = new();

    /// <inheritdoc/>
    public bool IsBlocking => false;

    /// <inheritdoc/>
    public long WaitFor(long sequence, SequenceBarrier barrier) =>
        SpinThenYield.WaitFor(sequence, barrier, SpinTries, default(SpinOnce));

    /// <inheritdoc/>
    public void SignalAllWhenBlocking()
    {
    }

    private readonly struct SpinOnce : SpinThenYield.IPause
    {
        public void Pause() => Thread.SpinWait(1);
    }
}
