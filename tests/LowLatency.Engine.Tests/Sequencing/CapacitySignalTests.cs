using LowLatency.Engine.Sequencing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Sequencing;

public sealed class CapacitySignalTests
{
    [Test]
    public void NotifyProgress_WakesParkedProducersOnlyOnceTheirWrapPointIsReleased()
    {
        var signal = new CapacitySignal();
        long ticket = signal.BeginPark(wakeAt: 10);
        Assert.That(signal.HasWaiters, Is.True, "a producer about to park is a waiter");

        signal.NotifyProgressSlow(released: 9);
        Assert.That(signal.WakeCount, Is.EqualTo(ticket), "a release short of the wrap point wakes nobody");

        signal.NotifyProgressSlow(released: 10);
        Assert.That(signal.WakeCount, Is.EqualTo(ticket + 1), "the release that reaches the wrap point wakes");

        signal.NotifyProgressSlow(released: 11);
        Assert.That(signal.WakeCount, Is.EqualTo(ticket + 1), "once woken, later releases wake nobody until someone parks again");

        signal.EndPark();
        Assert.That(signal.HasWaiters, Is.False);
    }

    [Test]
    public void NotifyProgress_WithSeveralParkedProducers_WakesAtTheLowestWrapPoint()
    {
        var signal = new CapacitySignal();
        long ticket = signal.BeginPark(wakeAt: 20);
        signal.BeginPark(wakeAt: 10);
        signal.BeginPark(wakeAt: 30);

        signal.NotifyProgressSlow(released: 10);

        Assert.That(signal.WakeCount, Is.EqualTo(ticket + 1), "all are woken at the lowest; the others re-check and park again");
    }

    [Test]
    public void OnClosed_WakesParkedProducers()
    {
        var signal = new CapacitySignal();
        long ticket = signal.BeginPark(wakeAt: long.MaxValue - 1);

        signal.OnClosed();

        Assert.That(signal.WakeCount, Is.EqualTo(ticket + 1));
    }
}
