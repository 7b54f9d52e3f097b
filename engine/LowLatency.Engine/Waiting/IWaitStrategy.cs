using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// How a consumer idles until a sequence is available. Implementations trade wake-up latency for CPU.
/// </summary>
/// <remarks>
/// Contract: return the barrier's available sequence once it reaches <c>sequence</c>;
/// return <see cref="SequenceBarrier.Alerted"/> as soon as the barrier is alerted; return
/// <see cref="SequenceBarrier.TimedOut"/> when the barrier's timeout tick elapses first. One strategy
/// instance is shared by the producers and every stage of a ring, so parked consumers can be woken.
/// </remarks>
public interface IWaitStrategy
{
    /// <summary>True when consumers may park: publishers and stages must then call <see cref="SignalAllWhenBlocking"/>.</summary>
    bool IsBlocking { get; }

    /// <summary>Waits for <paramref name="sequence"/> on <paramref name="barrier"/>.</summary>
    long WaitFor(long sequence, SequenceBarrier barrier);

    /// <summary>Wakes parked consumers. A no-op for strategies that never park.</summary>
    void SignalAllWhenBlocking();
}
