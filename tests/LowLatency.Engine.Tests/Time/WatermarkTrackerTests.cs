using LowLatency.Engine.Time;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Time;

public sealed class WatermarkTrackerTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    [CancelAfter(5_000)]
    public void OnEvent_BoundedOutOfOrderness_AdvancesToMaxTsMinusBoundMinusOneAndNeverBack()
    {
        var tracker = new WatermarkTracker(new WatermarkOptions { OutOfOrderness = 10 });
        tracker.OnEvent(100);
        Assert.That(tracker.Current, Is.EqualTo(89));
        tracker.OnEvent(95);
        Assert.That(tracker.Current, Is.EqualTo(89));
        tracker.OnWatermark(0, 50);
        Assert.That(tracker.Current, Is.EqualTo(89), "an explicit watermark never moves it back");
        tracker.OnWatermark(0, 120);
        Assert.That(tracker.Current, Is.EqualTo(120));
    }

    [Test]
    [CancelAfter(5_000)]
    public void Inputs_WatermarkIsMinimumOverActiveInputs()
    {
        var tracker = new WatermarkTracker(new WatermarkOptions { OutOfOrderness = 0, Inputs = 3 });
        tracker.OnEvent(0, 100);
        tracker.OnEvent(1, 50);
        Assert.That(tracker.Current, Is.EqualTo(Watermarks.Initial), "input 2 has not spoken and is not idle");
        tracker.OnEvent(2, 70);
        Assert.That(tracker.Current, Is.EqualTo(49));
        tracker.OnEvent(1, 200);
        Assert.That(tracker.Current, Is.EqualTo(69));
    }

    [Test]
    [CancelAfter(5_000)]
    public void Idleness_WithFakeClock_SilentInputExcludedAfterTimeoutFromItsLastEvent()
    {
        var time = new FakeTimeProvider(s_start);
        var clock = new ProcessingClock(time);
        var tracker = new WatermarkTracker(new WatermarkOptions { OutOfOrderness = 0, Inputs = 2, IdleTimeout = TimeSpan.FromSeconds(5).Ticks * 100 });
        tracker.OnProcessingTime(clock.Now());
        tracker.OnEvent(0, 1_000);
        tracker.OnEvent(1, 500);
        Assert.That(tracker.Current, Is.EqualTo(499));

        time.Advance(TimeSpan.FromSeconds(3));
        tracker.OnProcessingTime(clock.Now());
        tracker.OnEvent(0, 2_000); // input 0 keeps talking; input 1 is silent since t = 0
        Assert.That(tracker.Current, Is.EqualTo(499));

        time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        tracker.OnProcessingTime(clock.Now());
        Assert.That(tracker.IsIdle(1), Is.False, "4.9999999 s of silence");

        time.Advance(TimeSpan.FromTicks(1));
        tracker.OnProcessingTime(clock.Now());
        Assert.Multiple(() =>
        {
            Assert.That(tracker.IsIdle(1), Is.True, "5 s since its last event");
            Assert.That(tracker.IsIdle(0), Is.False, "2 s since its last event");
            Assert.That(tracker.Current, Is.EqualTo(1_999), "the idle input no longer holds the watermark back");
        });

        tracker.OnEvent(1, 600); // back from idle, behind the watermark
        Assert.Multiple(() =>
        {
            Assert.That(tracker.IsIdle(1), Is.False);
            Assert.That(tracker.Current, Is.EqualTo(1_999), "never goes back");
        });
    }

    [Test]
    [CancelAfter(5_000)]
    public void Idleness_WhileBackPressured_SilenceDoesNotCount()
    {
        var time = new FakeTimeProvider(s_start);
        var clock = new ProcessingClock(time);
        var tracker = new WatermarkTracker(new WatermarkOptions { OutOfOrderness = 0, Inputs = 2, IdleTimeout = 5_000_000_000 });
        tracker.OnProcessingTime(clock.Now());
        tracker.OnEvent(0, 1_000);
        tracker.OnEvent(1, 500);
        tracker.SetBackPressured(1, true);
        for (int i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            tracker.OnProcessingTime(clock.Now());
            tracker.OnEvent(0, 1_000 + i);
        }

        Assert.That(tracker.IsIdle(1), Is.False, "10 s silent, all of it back-pressured");
        tracker.SetBackPressured(1, false);
        time.Advance(TimeSpan.FromSeconds(4));
        tracker.OnProcessingTime(clock.Now());
        tracker.OnEvent(0, 1_010);
        Assert.That(tracker.IsIdle(1), Is.False, "only 4 s counted since the back-pressure ended");
        time.Advance(TimeSpan.FromSeconds(1));
        tracker.OnProcessingTime(clock.Now());
        Assert.That(tracker.IsIdle(1), Is.True);
        Assert.That(tracker.Current, Is.EqualTo(1_009));
    }

    [Test]
    [CancelAfter(5_000)]
    public void MarkIdle_CaughtUpSource_ExcludedUntilItsNextEvent()
    {
        var tracker = new WatermarkTracker(new WatermarkOptions { OutOfOrderness = 0, Inputs = 2 });
        tracker.OnEvent(0, 100);
        Assert.That(tracker.Current, Is.EqualTo(Watermarks.Initial));
        tracker.MarkIdle(1);
        Assert.That(tracker.Current, Is.EqualTo(99));
        tracker.OnEvent(1, 300);
        tracker.OnEvent(0, 400);
        Assert.That(tracker.Current, Is.EqualTo(299));
    }

    [Test]
    [CancelAfter(5_000)]
    public void Options_Invalid_RefusedNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => new WatermarkTracker(new WatermarkOptions { OutOfOrderness = -1 }));
        Assert.That(ex!.Message, Does.Contain("WatermarkOptions.OutOfOrderness"));
        ex = Assert.Throws<ArgumentException>(() => new WatermarkTracker(new WatermarkOptions { Inputs = 0 }));
        Assert.That(ex!.Message, Does.Contain("WatermarkOptions.Inputs"));
    }
}
