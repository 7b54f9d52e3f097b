using System.Runtime.CompilerServices;
using LowLatency.Engine;

namespace LowLatency.Adapters.Sockets;

/// <summary>
/// The one place a connection decides when to stop and resume reading its socket. High mark: the ring
/// refuses a claim (<see cref="PublishResult.BackPressured"/>). Low mark: occupancy back at or below
/// <see cref="TcpSourceOptions.ResumeOccupancy"/> of capacity (and room for a whole claim), so a connection
/// does not flap between reading one batch and stopping again. While it waits nothing reads the socket,
/// the kernel's receive buffer fills and TCP flow control blocks the sender.
/// </summary>
/// <remarks>
/// Kept small and alone on purpose: the engine's flow-control layer will replace the polling below with a
/// capacity signal without touching the connection code. One per connection; only its receive loop uses it.
/// </remarks>
/// <typeparam name="T">The event type.</typeparam>
internal sealed class RingBackpressureGate<T> : IDisposable
    where T : struct
{
    // SpinOnce yields from its 10th iteration on: ~100 iterations is tens of microseconds of mostly yielding.
    private const int SpinIterations = 100;

    private readonly RingBuffer<T> _ring;
    private readonly long _resumeOccupancy;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _timeProvider;

    // Created on first back-pressure and reused: waiting allocates nothing after that.
    private PeriodicTimer? _timer;

    public RingBackpressureGate(RingBuffer<T> ring, int maxClaim, TcpSourceOptions options)
    {
        _ring = ring;
        long byRatio = (long)(ring.Capacity * options.ResumeOccupancy);
        _resumeOccupancy = Math.Min(byRatio, ring.Capacity - maxClaim);
        _pollInterval = options.BackpressurePollInterval;
        _timeProvider = options.TimeProvider;
    }

    /// <summary>True once reading may resume (the ring drained to the low mark, or closed so the claim will say so).</summary>
    public bool CanResume => _ring.IsClosed || _ring.Occupancy <= _resumeOccupancy;

    /// <summary>
    /// Waits until <see cref="CanResume"/>; throws <see cref="OperationCanceledException"/> when the connection
    /// is aborted. A consumer that is only slightly slower than the socket drains to the low mark in
    /// microseconds, far below a timer tick, so the gate first spins briefly (yielding, never sleeping) and
    /// only then polls on the timer; otherwise each wait would leave the ring idle for most of a tick.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WaitForCapacityAsync(CancellationToken cancellationToken)
    {
        var spin = default(SpinWait);
        for (int i = 0; i < SpinIterations && !CanResume; i++)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }

        if (CanResume)
        {
            return;
        }

        _timer ??= new PeriodicTimer(_pollInterval, _timeProvider);
        while (!CanResume)
        {
            await _timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _timer?.Dispose();
}
