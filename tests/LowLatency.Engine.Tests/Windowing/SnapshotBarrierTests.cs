using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using Op = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using Sink = CollectingSink<TestTrade, long, TradeBar>;

/// <summary>A snapshot taken by a running stage at a sequence barrier holds exactly the events up to it.</summary>
public sealed class SnapshotBarrierTests
{
    private static readonly WindowOptions s_options = WindowOptions.Hopping(40, 10) with { AllowedLateness = 15, Watermark = new WatermarkOptions { OutOfOrderness = 7 }, Capacity = 4096 };

    [Test]
    [CancelAfter(30_000)]
    public async Task RequestAsync_WhileRunning_SnapshotAtSequenceThenRestoreAndContinue_EqualsUninterruptedRun()
    {
        TestTrade[] trades = ScriptGenerator.Create(11, 3_000, 9, 3, 12).Where(s => s.Kind == ScriptKind.Event).Select(s => s.Trade).ToArray();
        const long cut = 1_234;

        var whole = new Collector();
        var reference = new Op(s_options, default, new Sink(whole));
        foreach (TestTrade t in trades)
        {
            TestTrade e = t;
            reference.OnEvent(ref e);
        }

        reference.Drain();

        var first = new Collector();
        var op = new Op(s_options, default, new Sink(first));
        var barrier = new SnapshotBarrier();
        using var snapshot = new MemoryStream();
        Task<long> taken;
        await using (var pipeline = Pipeline<TestTrade>.Create(PipelineOptions.Default with { Capacity = 256, WaitStrategy = WaitStrategyKind.Blocking }))
        {
            pipeline.HandleEventsWith(new WindowStage<TestTrade, Op>(op, snapshots: barrier));
            pipeline.Start();
            taken = barrier.RequestAsync(cut, snapshot);
            foreach (TestTrade t in trades)
            {
                pipeline.RingBuffer.Publish(t);
            }

            Assert.That(await taken, Is.EqualTo(cut));
            await pipeline.StopAsync();
        }

        snapshot.Position = 0;
        var second = new Collector();
        var restored = new Op(s_options, default, new Sink(second));
        restored.RestoreSnapshot(snapshot);
        for (long i = cut + 1; i < trades.Length; i++)
        {
            TestTrade e = trades[i];
            restored.OnEvent(ref e);
        }

        restored.Drain();

        // What the running stage emitted up to the barrier, plus what the restored operator emitted after it.
        var expected = whole.Results.Select(r => r.Result).ToList();
        var tail = second.Results.Select(r => r.Result).ToList();
        Assert.That(tail, Is.EqualTo(expected.Skip(expected.Count - tail.Count)), "the restored operator continues exactly");
        Assert.That(first.Results.Select(r => r.Result).Take(expected.Count - tail.Count), Is.EqualTo(expected.Take(expected.Count - tail.Count)));
        Assert.That(barrier.IsPending, Is.False);
    }

    [Test]
    [CancelAfter(5_000)]
    public void RequestAsync_WhilePending_Refused()
    {
        var barrier = new SnapshotBarrier();
        _ = barrier.RequestAsync(10, new MemoryStream());
        Assert.Throws<InvalidOperationException>(() => barrier.RequestAsync(20, new MemoryStream()));
    }
}
