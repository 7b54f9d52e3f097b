using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using Op = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;

public sealed class TimeWindowOperatorTests
{
    private static (Op Op, Collector Collector) Create(WindowOptions options)
    {
        var collector = new Collector();
        return (new Op(options, default, new CollectingSink<TestTrade, long, TradeBar>(collector)), collector);
    }

    private static void Push(Op op, Collector collector, params TestTrade[] trades)
    {
        foreach (TestTrade t in trades)
        {
            TestTrade e = t;
            op.OnEvent(ref e);
            collector.CurrentIndex++;
        }
    }

    [Test]
    [CancelAfter(5_000)]
    public void OnEvent_TumblingInOrder_FiresWhenWatermarkReachesEndMinusOne()
    {
        var (op, c) = Create(WindowOptions.Tumbling(10));
        Push(op, c, new TestTrade(1, 7, 10, 1), new TestTrade(5, 7, 12, 3), new TestTrade(9, 7, 8, 1));
        Assert.That(c.Results, Is.Empty, "W = 8 < end - 1 = 9");
        Push(op, c, new TestTrade(10, 7, 11, 1));
        Assert.That(c.Results, Has.Count.EqualTo(1));
        WindowResult<long, TradeBar> r = c.Results[0].Result;
        Assert.Multiple(() =>
        {
            Assert.That((r.Key, r.Start, r.End, r.Version, r.IsFinal), Is.EqualTo((7L, 0L, 10L, 1, true)));
            Assert.That((r.Value.Ohlc.Open, r.Value.Ohlc.High, r.Value.Ohlc.Low, r.Value.Ohlc.Close), Is.EqualTo((10d, 12d, 8d, 8d)));
            Assert.That(r.Value.Vwap.Vwap, Is.EqualTo((10d + 36 + 8) / 5));
            Assert.That(c.Results[0].Index, Is.EqualTo(3), "fires right after the event that moved W");
        });
    }

    [Test]
    [CancelAfter(5_000)]
    public void OnEvent_TumblingWithOffset_AlignsStarts()
    {
        var (op, c) = Create(WindowOptions.Tumbling(10, offset: 3));
        Push(op, c, new TestTrade(2, 1, 1, 1), new TestTrade(3, 1, 1, 1));
        op.Drain();
        Assert.That(c.Results.Select(x => (x.Result.Start, x.Result.End)), Is.EqualTo(new[] { (-7L, 3L), (3L, 13L) }));
        Assert.That(c.EndMarkers, Is.EqualTo(1));
    }

    [Test]
    [CancelAfter(5_000)]
    public void OnEvent_Hopping_EachWindowMergesItsPanes()
    {
        var (op, c) = Create(WindowOptions.Hopping(size: 30, slide: 10));
        Push(op, c, new TestTrade(5, 1, 1, 1), new TestTrade(15, 1, 1, 2), new TestTrade(25, 1, 1, 4));
        op.Drain();
        var volumes = c.Results.Select(x => (x.Result.Start, x.Result.Value.Vwap.Volume)).ToArray();
        Assert.That(volumes, Is.EqualTo(new[] { (-20L, 1d), (-10L, 3d), (0L, 7d), (10L, 6d), (20L, 4d) }));
    }

    [Test]
    [CancelAfter(5_000)]
    public void OnEvent_TwoInputs_WindowFiresWhenTheSlowerInputPassesItsEnd()
    {
        var (op, c) = Create(WindowOptions.Tumbling(10) with { Watermark = new WatermarkOptions { OutOfOrderness = 0, Inputs = 2 } });
        var fast = new TestTrade(50, 1, 1, 1);
        op.OnEvent(ref fast, 0);
        var slow = new TestTrade(5, 2, 1, 1);
        op.OnEvent(ref slow, 1);
        Assert.That(c.Results, Is.Empty, "W = min(49, 4)");
        slow.Timestamp = 10;
        op.OnEvent(ref slow, 1);
        Assert.That(c.Results.Select(r => (r.Result.Key, r.Result.End)), Is.EqualTo(new[] { (2L, 10L) }), "W = 9");
        op.MarkIdle(1);
        Assert.That(op.Watermark, Is.EqualTo(49), "the idle input no longer holds it back");
        Assert.That(c.Results.Select(r => (r.Result.Key, r.Result.End)), Is.EqualTo(new[] { (2L, 10L), (2L, 20L) }));
    }

    [Test]
    [CancelAfter(5_000)]
    public void OnEvent_BoundedOutOfOrderness_WatermarkIsMaxTsMinusBoundMinusOne()
    {
        var (op, _) = Create(WindowOptions.Tumbling(10) with { Watermark = new WatermarkOptions { OutOfOrderness = 5 } });
        var e = new TestTrade(100, 1, 1, 1);
        op.OnEvent(ref e);
        Assert.That(op.Watermark, Is.EqualTo(94));
        e.Timestamp = 50;
        op.OnEvent(ref e);
        Assert.That(op.Watermark, Is.EqualTo(94), "never goes back");
    }

    [TestCase(WindowKind.Tumbling)]
    [TestCase(WindowKind.Hopping)]
    [CancelAfter(5_000)]
    public void OnEvent_StateFull_RejectedToLateOutputWithReasonAndCounted(WindowKind kind)
    {
        var collector = new Collector();
        WindowOptions options = (kind == WindowKind.Tumbling ? WindowOptions.Tumbling(10) : WindowOptions.Hopping(20, 10)) with { Capacity = 4, KeyCapacity = 2 };
        var op = new Op(options, default, new CollectingSink<TestTrade, long, TradeBar>(collector));
        for (long key = 0; key < 6; key++)
        {
            var e = new TestTrade(1, key, 1, 1);
            op.OnEvent(ref e);
        }

        const int accepted = 2; // KeyCapacity
        Assert.Multiple(() =>
        {
            Assert.That(op.StateFullRejected, Is.EqualTo(6 - accepted));
            Assert.That(collector.Late.Select(l => l.Reason), Is.All.EqualTo(LateReason.StateFull));
            Assert.That(collector.Late.Select(l => l.Event.Symbol), Is.EqualTo(Enumerable.Range(accepted, 6 - accepted).Select(i => (long)i)));
        });

        var throwing = new Op(options with { WhenFull = LowLatency.Engine.State.TableFullPolicy.Throw }, default, new CollectingSink<TestTrade, long, TradeBar>(new Collector()));
        Assert.Throws<LowLatency.Engine.State.StateTableFullException>(() =>
        {
            for (long key = 0; key < 6; key++)
            {
                var e = new TestTrade(1, key, 1, 1);
                throwing.OnEvent(ref e);
            }
        });
    }

    [TestCase(WindowKind.Tumbling)]
    [TestCase(WindowKind.Hopping)]
    [CancelAfter(5_000)]
    public void OnEvent_KeyTableFullOfIdleKeys_SweepsThemAndAcceptsNewKeys(WindowKind kind)
    {
        // KeyCapacity 2: keys 0 and 1 fill the table. Key 0's event at 100 moves the watermark past their windows, so
        // key 1 is idle: key 2 takes its place instead of being refused; key 3 then finds two live keys.
        WindowOptions options = (kind == WindowKind.Tumbling ? WindowOptions.Tumbling(10) : WindowOptions.Hopping(20, 10)) with { Capacity = 8, KeyCapacity = 2 };
        var (op, c) = Create(options);
        Push(op, c, new TestTrade(1, 0, 1, 1), new TestTrade(2, 1, 1, 1), new TestTrade(100, 0, 1, 1));
        Push(op, c, new TestTrade(101, 2, 1, 1), new TestTrade(102, 3, 1, 1));
        op.Drain();
        Assert.Multiple(() =>
        {
            Assert.That(op.StateFullRejected, Is.EqualTo(1));
            Assert.That(c.Late.Select(l => (l.Event.Symbol, l.Reason)), Is.EqualTo(new[] { (3L, LateReason.StateFull) }));
            Assert.That(c.Results.Where(r => r.Result.IsFinal).Select(r => r.Result.Key).Distinct().Order(), Is.EqualTo(new[] { 0L, 1L, 2L }));
            Assert.That(op.LiveEntries, Is.Zero, "every pane freed at the drain");
        });
    }
}
