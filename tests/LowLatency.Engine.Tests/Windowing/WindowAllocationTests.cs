using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using Sink = CollectingSink<TestTrade, long, TradeBar>;
using SessionOp = SessionWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using TimeOp = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using CountOp = GlobalWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CountTrigger<TestTrade, TradeBar>, CollectingSink<TestTrade, long, TradeBar>>;

/// <summary>Steady state allocates nothing per event, with 10,000 keys, while windows open, fire and purge.</summary>
public sealed class WindowAllocationTests
{
    private const int Keys = 10_000;
    private const long Window = 1_000;

    /// <summary>Rounds of one event per key, alternately one event at a time and as one batch.</summary>
    private static void Feed(IWindowOperator<TestTrade> op, long fromWindow, long toWindow, TestTrade[] batch)
    {
        for (long w = fromWindow; w < toWindow; w++)
        {
            for (int j = 0; j < 10; j++)
            {
                for (int k = 0; k < Keys; k++)
                {
                    batch[k] = new TestTrade((w * Window) + (j * 97) + (k % 13), k, 100 + (k % 7), 1);
                }

                if (j % 2 == 0)
                {
                    op.OnBatch(batch, 0, op.Counters.EventsHandled);
                }
                else
                {
                    foreach (ref TestTrade e in batch.AsSpan())
                    {
                        op.OnEvent(ref e);
                    }
                }
            }

            op.OnProcessingTime(w);
        }
    }

    public static IEnumerable<TestCaseData> Operators()
    {
        var watermark = new WatermarkOptions { OutOfOrderness = 50 };
        yield return new TestCaseData(WindowOptions.Tumbling(Window) with { Watermark = watermark, Capacity = 4 * Keys }).SetArgDisplayNames("tumbling");
        yield return new TestCaseData(WindowOptions.Tumbling(Window) with { Watermark = watermark, Capacity = 4 * Keys, AllowedLateness = 500 }).SetArgDisplayNames("tumbling-lateness");
        yield return new TestCaseData(WindowOptions.Hopping(10 * Window, Window) with { Watermark = watermark, Capacity = 16 * Keys }).SetArgDisplayNames("hopping-10");
        yield return new TestCaseData(WindowOptions.Hopping(4 * Window, Window) with { Watermark = watermark, Capacity = 8 * Keys, Emission = EmissionMode.EarlyEveryPeriod, EarlyPeriod = 1 }).SetArgDisplayNames("hopping-early");
        yield return new TestCaseData(WindowOptions.Hopping(2_500, 1_000) with { Watermark = watermark, Capacity = 16 * Keys, AllowedLateness = 300 }).SetArgDisplayNames("hopping-non-dividing");
        yield return new TestCaseData(WindowOptions.Hopping(700, 1_000) with { Watermark = watermark, Capacity = 16 * Keys, Emission = EmissionMode.OnEveryUpdate }).SetArgDisplayNames("hopping-gaps-every-update");
        yield return new TestCaseData(WindowOptions.Session(120) with { Watermark = watermark, Capacity = 4 * Keys }).SetArgDisplayNames("session");
        yield return new TestCaseData(WindowOptions.Session(120) with { Watermark = watermark, Capacity = 4 * Keys, AllowedLateness = 200, Emission = EmissionMode.OnEveryUpdate }).SetArgDisplayNames("session-every-update");
        yield return new TestCaseData(WindowOptions.Tumbling(1) with { Watermark = watermark, Capacity = 2 * Keys }).SetArgDisplayNames("global-count");
    }

    [TestCaseSource(nameof(Operators))]
    [CancelAfter(60_000)]
    public void OnEventAndOnBatch_SteadyStateWith10000Keys_AllocatesNothing(WindowOptions options)
    {
        var collector = new Collector { Record = false };
        IWindowOperator<TestTrade> op = options.Kind == WindowKind.Session
            ? new SessionOp(options, default, new Sink(collector))
            : options.Size == 1
                ? new CountOp(options, new CountTrigger<TestTrade, TradeBar>(7), default, new Sink(collector))
                : new TimeOp(options, default, new Sink(collector));

        var batch = new TestTrade[Keys];
        Feed(op, 0, 6, batch); // warm-up: tables reach their working size, every path is jitted
        long before = GC.GetAllocatedBytesForCurrentThread();
        Feed(op, 6, 12, batch);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero, $"{allocated} bytes over {6 * 10 * Keys} events");
        long results = op.Counters.ResultsEmitted;
        Assert.That(results, Is.GreaterThan(5 * Keys), "windows fired during the measured part");
    }
}
