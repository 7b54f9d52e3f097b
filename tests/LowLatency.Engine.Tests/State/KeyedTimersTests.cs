using LowLatency.Engine.State;
using LowLatency.Engine.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.State;

public sealed class KeyedTimersTests
{
    private sealed class Log
    {
        public List<(long Key, long Time, TimeDomain Domain)> Fired { get; } = new();
    }

    private struct Recording(Log log, KeyedTimers<long>? rearm = null) : ITimerCallback<long>
    {
        public readonly void OnTimer(in long key, long time, TimeDomain domain)
        {
            log.Fired.Add((key, time, domain));
            if (rearm is not null && time < 100)
            {
                rearm.Register(domain, key, time + 10);
            }
        }
    }

    [Test]
    [CancelAfter(5_000)]
    public void Register_SameKeyAndTimeTwice_Deduplicated()
    {
        var timers = new KeyedTimers<long>(16);
        Assert.Multiple(() =>
        {
            Assert.That(timers.Register(TimeDomain.EventTime, 1, 10), Is.EqualTo(TimerRegistration.Added));
            Assert.That(timers.Register(TimeDomain.EventTime, 1, 10), Is.EqualTo(TimerRegistration.Duplicate));
            Assert.That(timers.Register(TimeDomain.ProcessingTime, 1, 10), Is.EqualTo(TimerRegistration.Added), "domains are separate");
            Assert.That(timers.Register(TimeDomain.EventTime, 2, 10), Is.EqualTo(TimerRegistration.Added));
            Assert.That(timers.Count, Is.EqualTo(3));
        });
    }

    [Test]
    [CancelAfter(5_000)]
    public void AdvanceWatermark_FiresDueTimersInTimeThenRegistrationOrder()
    {
        var timers = new KeyedTimers<long>(16);
        timers.Register(TimeDomain.EventTime, 3, 20);
        timers.Register(TimeDomain.EventTime, 1, 10);
        timers.Register(TimeDomain.EventTime, 2, 10);
        timers.Register(TimeDomain.EventTime, 4, 30);
        var log = new Log();
        var callback = new Recording(log);
        Assert.That(timers.AdvanceWatermark(9, ref callback), Is.Zero);
        Assert.That(timers.AdvanceWatermark(20, ref callback), Is.EqualTo(3));
        Assert.That(log.Fired.Select(f => (f.Key, f.Time)), Is.EqualTo(new[] { (1L, 10L), (2L, 10L), (3L, 20L) }));
        Assert.That(timers.Delete(TimeDomain.EventTime, 4, 30), Is.True);
        Assert.That(timers.FireAll(ref callback), Is.Zero);
    }

    [Test]
    [CancelAfter(5_000)]
    public void AdvanceProcessingTime_CallbackRegistersTimers_DueOnesFireInTheSameAdvance()
    {
        var timers = new KeyedTimers<long>(16);
        timers.Register(TimeDomain.ProcessingTime, 7, 50);
        var log = new Log();
        var callback = new Recording(log, timers);
        timers.AdvanceProcessingTime(75, ref callback);
        Assert.That(log.Fired.Select(f => f.Time), Is.EqualTo(new[] { 50L, 60L, 70L }));
        Assert.That(timers.Contains(TimeDomain.ProcessingTime, 7, 80), Is.True);
    }

    [Test]
    [CancelAfter(5_000)]
    public void Register_WhenFull_RefusedAndCounted()
    {
        var timers = new KeyedTimers<long>(2);
        timers.Register(TimeDomain.EventTime, 1, 1);
        timers.Register(TimeDomain.EventTime, 1, 2);
        Assert.That(timers.Register(TimeDomain.EventTime, 1, 3), Is.EqualTo(TimerRegistration.Full));
        Assert.That(timers.Rejected, Is.EqualTo(1));
    }

    [Test]
    [CancelAfter(10_000)]
    public void Snapshot_RestoreAndContinue_FiresTheSameTimersInTheSameOrder()
    {
        for (int seed = 1; seed <= 20; seed++)
        {
            var random = new Random(seed);
            var a = new KeyedTimers<long>(1024);
            var b = new KeyedTimers<long>(1024);
            for (int i = 0; i < 300; i++)
            {
                long key = random.Next(20);
                long time = random.Next(1000);
                a.Register(TimeDomain.EventTime, key, time);
                a.Register(TimeDomain.ProcessingTime, key, time);
            }

            var logA = new Log();
            var ca = new Recording(logA);
            a.AdvanceWatermark(300, ref ca);
            using var snapshot = new MemoryStream();
            a.WriteSnapshot(snapshot);
            snapshot.Position = 0;
            b.RestoreSnapshot(snapshot);
            var logB = new Log();
            var cb = new Recording(logB);
            a.FireAll(ref ca);
            b.FireAll(ref cb);
            Assert.That(logB.Fired, Is.EqualTo(logA.Fired.Skip(logA.Fired.Count - logB.Fired.Count)), $"seed {seed}");
            Assert.That(logB.Fired, Is.Not.Empty, $"seed {seed}");
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public void SteadyState_RegisterAndFire_AllocatesNothing()
    {
        var timers = new KeyedTimers<long>(20_000);
        var log = new Log();
        var callback = new NoOp();
        void Round(long t)
        {
            for (long k = 0; k < 10_000; k++)
            {
                timers.Register(TimeDomain.EventTime, k, t + (k % 7));
            }

            timers.AdvanceWatermark(t + 10, ref callback);
        }

        for (int i = 0; i < 3; i++)
        {
            Round(i * 100);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 3; i < 10; i++)
        {
            Round(i * 100);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(timers.Fired, Is.EqualTo(100_000));
    }

    private struct NoOp : ITimerCallback<long>
    {
        public readonly void OnTimer(in long key, long time, TimeDomain domain)
        {
        }
    }
}
