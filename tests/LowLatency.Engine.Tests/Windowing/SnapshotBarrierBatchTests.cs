using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using Session = SessionWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using Sink = CollectingSink<TestTrade, long, TradeBar>;
using Time = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;

/// <summary>
/// The batch path of a <see cref="WindowStage{TEvent, TOperator}"/> with a <see cref="SnapshotBarrier"/>: the stage
/// falls back to one event at a time so the snapshot lands between two events of one batch, and nothing else changes.
/// </summary>
public sealed class SnapshotBarrierBatchTests
{
    private const int Batch = 64;

    private static readonly WindowOptions s_hopping = WindowOptions.Hopping(40, 15) with { AllowedLateness = 15, Watermark = new WatermarkOptions { OutOfOrderness = 7 }, Capacity = 4096 };
    private static readonly WindowOptions s_session = WindowOptions.Session(9) with { AllowedLateness = 5, Watermark = new WatermarkOptions { OutOfOrderness = 4 }, Capacity = 4096 };

    /// <summary>Cuts mid-batch, on a batch's first and last event, and past the end (never taken).</summary>
    [TestCase(1_000)]
    [TestCase(1_024)]
    [TestCase(1_087)]
    [TestCase(0)]
    public void OnBatch_BarrierInsideBatch_SnapshotAtThatSequence_ResultsAsWithoutBarrier_RestoreContinuesExactly(long cut)
    {
        TestTrade[] trades = Trades(cut);
        Check(trades, cut, sink => new Time(s_hopping, default, sink));
        Check(trades, cut, sink => new Session(s_session, default, sink));
    }

    [Test]
    public void OnBatch_BarrierPastTheEnd_NotTaken_ResultsAsWithoutBarrier()
    {
        TestTrade[] trades = Trades(0);
        var reference = new Collector();
        var plain = new Time(s_hopping, default, new Sink(reference));
        Feed(new WindowStage<TestTrade, Time>(plain), trades, 0);
        plain.Drain();

        var withBarrier = new Collector();
        var op = new Time(s_hopping, default, new Sink(withBarrier));
        var barrier = new SnapshotBarrier();
        using var snapshot = new MemoryStream();
        Task<long> taken = barrier.RequestAsync(trades.Length + 10, snapshot);
        Feed(new WindowStage<TestTrade, Time>(op, snapshots: barrier), trades, 0);
        op.Drain();

        Assert.That(taken.IsCompleted, Is.False, "no event reached the barrier");
        Assert.That(snapshot.Length, Is.Zero);
        Assert.That(withBarrier.Results.Select(r => r.Result), Is.EqualTo(reference.Results.Select(r => r.Result)));
    }

    private static TestTrade[] Trades(long cut) =>
        ScriptGenerator.Create(17 + (int)cut, 3_000, 9, 3, 12).Where(s => s.Kind == ScriptKind.Event).Select(s => s.Trade).ToArray();

    private static void Check<TOperator>(TestTrade[] trades, long cut, Func<Sink, TOperator> create)
        where TOperator : WindowOperator<TestTrade, long, TradeBar, TradeBarFunction, Sink>
    {
        // The batch path without a barrier: the reference.
        var whole = new Collector();
        TOperator reference = create(new Sink(whole));
        Feed(new WindowStage<TestTrade, TOperator>(reference), trades, 0);
        reference.Drain();

        // The same batches through a stage with a barrier at the cut: taken inside a batch, on the test's thread.
        var first = new Collector();
        TOperator op = create(new Sink(first));
        var barrier = new SnapshotBarrier();
        using var snapshot = new MemoryStream();
        Task<long> taken = barrier.RequestAsync(cut, snapshot);
        Feed(new WindowStage<TestTrade, TOperator>(op, snapshots: barrier), trades, 0);
        op.Drain();

        string name = typeof(TOperator).Name;
        Assert.That(taken.IsCompletedSuccessfully, Is.True, $"{name}: the snapshot was taken during the batch that holds sequence {cut}");
        Assert.That(taken.Result, Is.EqualTo(cut), $"{name}: right after the barrier's event, not at the batch's end");
        Assert.That(first.Results.Select(r => r.Result), Is.EqualTo(whole.Results.Select(r => r.Result)), $"{name}: the per-event fallback emits what the batch path emits");

        // Restored at the cut and fed the rest in batches that start mid-way: what the reference emitted after the cut.
        snapshot.Position = 0;
        var second = new Collector();
        TOperator restored = create(new Sink(second));
        restored.RestoreSnapshot(snapshot);
        Feed(new WindowStage<TestTrade, TOperator>(restored), trades, cut + 1);
        restored.Drain();

        var afterCut = whole.Results.Select(r => r.Result).Where(r => r.TriggerSequence > cut).ToList();
        Assert.That(afterCut, Is.Not.Empty, $"{name}: the stream goes on after the cut");
        Assert.That(second.Results.Select(r => r.Result), Is.EqualTo(afterCut), $"{name}: the restored operator continues exactly");
    }

    /// <summary>Hands the stage <paramref name="trades"/> from <paramref name="from"/> in spans of <see cref="Batch"/>, as a ring stage gets them.</summary>
    private static void Feed<TOperator>(WindowStage<TestTrade, TOperator> stage, TestTrade[] trades, long from)
        where TOperator : class, IWindowOperator<TestTrade>
    {
        var buffer = new TestTrade[Batch];
        for (long first = from; first < trades.Length; first += Batch)
        {
            int length = (int)Math.Min(Batch, trades.Length - first);
            trades.AsSpan((int)first, length).CopyTo(buffer);
            stage.OnBatch(buffer.AsSpan(0, length), first);
        }
    }
}
