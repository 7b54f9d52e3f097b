using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using TumblingBars = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, RingWindowSink<TestTrade, long, TradeBar>>;

public sealed class WindowStageTests
{
    private sealed class Received
    {
        public List<WindowResult<long, TradeBar>> Results { get; } = new();
    }

    private struct Recording(Received received) : LowLatency.Engine.Processing.IEventHandler<WindowResult<long, TradeBar>>
    {
        public readonly void OnEvent(ref WindowResult<long, TradeBar> data, long sequence, bool endOfBatch) => received.Results.Add(data);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Drain_TumblingStageIntoResultRing_ResultsFlowOnThenEndMarker()
    {
        var received = new Received();
        await using var results = Pipeline<WindowResult<long, TradeBar>>.Create(PipelineOptions.Default with { Capacity = 1024, WaitStrategy = WaitStrategyKind.Blocking });
        results.HandleEventsWith(new Recording(received));
        results.Start();

        var op = new TumblingBars(WindowOptions.Tumbling(1_000), default, new RingWindowSink<TestTrade, long, TradeBar>(results));
        await using var input = Pipeline<TestTrade>.Create(PipelineOptions.Default with { Capacity = 256, WaitStrategy = WaitStrategyKind.Blocking });
        input.HandleEventsWith(new WindowStage<TestTrade, TumblingBars>(op));
        input.Start();
        for (int i = 0; i < 3_000; i++)
        {
            input.RingBuffer.Publish(new TestTrade(i, i % 3, 100 + (i % 7), 1));
        }

        await input.DrainAsync();
        await results.DrainAsync();

        Assert.Multiple(() =>
        {
            // 3 keys × 3 windows, then the end marker.
            Assert.That(received.Results, Has.Count.EqualTo(10));
            Assert.That(received.Results[^1].IsEndOfStream, Is.True);
            Assert.That(received.Results.Take(9).All(r => r.IsFinal && r.Version == 1), Is.True);
            Assert.That(received.Results.Take(9).Sum(r => r.Value.Ohlc.Count), Is.EqualTo(3_000));
            Assert.That(received.Results[0].Start, Is.EqualTo(0));
            Assert.That(received.Results[0].End, Is.EqualTo(1_000));
            Assert.That(received.Results[0].Value.Ohlc.Open, Is.EqualTo(100));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Stop_WithoutDrain_KeepsWindowStateAndEmitsNoEndMarker()
    {
        var collector = new WindowCollector<TestTrade, long, TradeBar>();
        var op = new TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>(
            WindowOptions.Hopping(100, 10) with { AllowedLateness = 50 }, default, new CollectingSink<TestTrade, long, TradeBar>(collector));
        await using var input = Pipeline<TestTrade>.Create(PipelineOptions.Default with { Capacity = 256, WaitStrategy = WaitStrategyKind.Blocking });
        input.HandleEventsWith(new WindowStage<TestTrade, TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>>(op));
        input.Start();
        for (int i = 0; i < 50; i++)
        {
            input.RingBuffer.Publish(new TestTrade(i, i % 5, 1, 1));
        }

        while (input.CompletedSequence < 49)
        {
            await Task.Delay(1);
        }

        await input.StopAsync();
        Assert.Multiple(() =>
        {
            Assert.That(collector.EndMarkers, Is.Zero);
            Assert.That(op.LiveEntries, Is.EqualTo(25), "5 keys × 5 panes kept for a snapshot");
        });

        int before = collector.Results.Count;
        op.Drain();
        Assert.Multiple(() =>
        {
            Assert.That(collector.EndMarkers, Is.EqualTo(1));
            Assert.That(collector.Results.Skip(before).All(r => r.Result.IsFinal), Is.True, "draining makes every result final");
            Assert.That(collector.Results.Skip(before).Count(), Is.EqualTo(5 * 14), "each key: the windows ending 10..140 that hold one of its panes");
            Assert.That(op.LiveEntries, Is.Zero);
        });
    }
}
