using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Tests.Diagnostics;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using Sink = CollectingSink<TestTrade, long, TradeBar>;
using TradeWindows = Windows<TestTrade, long, TradeBar>;

/// <summary>A window stage's watermark and event-time lag reach the meter and the snapshot; refusals by reason reach the late counter.</summary>
public sealed class WindowFreshnessTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task Metrics_WindowStage_ReportWatermarkEventTimeLagAndRefusals()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddSeconds(100));
        var clock = new ProcessingClock(time);
        long second = ProcessingClock.TicksPerSecondNanoseconds;
        var op = TradeWindows.Time(WindowOptions.Hopping(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), second), default(TradeBarFunction), new Sink(new Collector()));
        await using var pipeline = Pipeline<TestTrade>.Create(PipelineOptions.Default with { Name = "freshness", WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(TradeWindows.Stage(op, clock));
        using PipelineMetrics metrics = PipelineMetrics.Attach(pipeline);
        metrics.AddWindowOperator("bars", op, clock);
        pipeline.Start();

        PipelineSnapshot snapshot = metrics.CreateSnapshot();
        Assert.That(snapshot.Freshness[0].EventTimeLag, Is.Null, "no watermark asserted yet");

        pipeline.RingBuffer.Publish(new TestTrade(90 * second, 1, 10, 1));                  // in [90 s, 91 s)
        pipeline.RingBuffer.Publish(new TestTrade((95 * second) + (second / 2), 1, 10, 1)); // in the gap [95 s, 96 s): unassigned
        for (int waited = 0; pipeline.CompletedSequence < 1; waited++)
        {
            Assert.That(waited, Is.LessThan(10_000), "the stage did not handle both events within ~10 s");
            await Task.Delay(1);
        }

        time.Advance(TimeSpan.FromSeconds(2));
        metrics.Capture(snapshot);
        long watermark = (95 * second) + (second / 2) - 1;
        Dictionary<string, double> values = PipelineMetricsTests.Collect("freshness");
        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Freshness.ToArray(), Is.EqualTo(new[] { new FreshnessSnapshot("bars", watermark, (102 * second) - watermark) }));
            Assert.That(values["lowlatency.stage.watermark{stage=bars}"], Is.EqualTo(watermark));
            Assert.That(values["lowlatency.stage.event_time_lag{stage=bars}"], Is.EqualTo((102 * second) - watermark));
            Assert.That(values["lowlatency.stage.late{reason=unassigned,stage=bars}"], Is.EqualTo(1));
            Assert.That(values["lowlatency.stage.late{reason=window_closed,stage=bars}"], Is.Zero);
        });
        await pipeline.DrainAsync();
    }
}
