using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Op = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using Sink = CollectingSink<TestTrade, long, TradeBar>;

/// <summary>A cancelled snapshot request is withdrawn before the stage takes it, and the barrier takes the next one.</summary>
public sealed class SnapshotBarrierCancellationTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task RequestAsync_CancelledBeforeTheBarrier_WithdrawnAndTheNextRequestIsTaken()
    {
        var op = new Op(WindowOptions.Tumbling(10) with { Capacity = 1024 }, default, new Sink(new WindowCollector<TestTrade, long, TradeBar>()));
        var barrier = new SnapshotBarrier();
        using var unwanted = new MemoryStream();
        using var wanted = new MemoryStream();
        await using var pipeline = Pipeline<TestTrade>.Create(PipelineOptions.Default with { Capacity = 256, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new WindowStage<TestTrade, Op>(op, snapshots: barrier));
        pipeline.Start();

        using var cancel = new CancellationTokenSource();
        Task<long> withdrawn = barrier.RequestAsync(1_000_000, unwanted, cancel.Token);
        await cancel.CancelAsync();

        Assert.That(async () => await withdrawn, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(barrier.IsPending, Is.False);
        Task<long> taken = barrier.RequestAsync(5, wanted, CancellationToken.None);
        for (int i = 0; i < 10; i++)
        {
            pipeline.RingBuffer.Publish(new TestTrade(i, i % 3, 10, 1));
        }

        Assert.That(await taken.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(5));
        Assert.Multiple(() =>
        {
            Assert.That(unwanted.Length, Is.Zero, "the withdrawn request wrote nothing");
            Assert.That(wanted.Length, Is.Positive);
        });
    }

    [Test]
    public void RequestAsync_TokenAlreadyCancelled_ThrowsAndLeavesNothingPending()
    {
        var barrier = new SnapshotBarrier();

        Assert.That(() => barrier.RequestAsync(1, new MemoryStream(), new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(barrier.IsPending, Is.False);
    }
}
