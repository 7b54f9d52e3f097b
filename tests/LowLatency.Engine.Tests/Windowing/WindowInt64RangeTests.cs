using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using SessionOp = SessionWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using Sink = CollectingSink<TestTrade, long, TradeBar>;
using TimeOp = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;

/// <summary>Timestamps, sizes, bounds and lateness anywhere in Int64: exact results, bounded output, no hang, no wrapped watermark.</summary>
public sealed class WindowInt64RangeTests
{
    private const int Streams = 1_000;

    private static long Near(Random random, long anchor, long spread) =>
        anchor switch
        {
            long.MinValue => long.MinValue + random.NextInt64(0, spread),
            long.MaxValue => long.MaxValue - random.NextInt64(0, spread),
            _ => anchor + random.NextInt64(-spread, spread),
        };

    private static long Extreme(Random random) => random.Next(4) switch
    {
        0 => long.MinValue,
        1 => long.MaxValue,
        2 => 0,
        _ => random.NextInt64(long.MinValue, long.MaxValue),
    };

    /// <summary>A length that is small, or anywhere up to 2^62.</summary>
    private static long Length(Random random) => random.Next(3) == 0 ? random.NextInt64(1, 1L << 62) : random.Next(1, 40);

    private static WindowOptions RandomOptions(Random random)
    {
        WindowOptions options;
        switch (random.Next(3))
        {
            case 0:
                options = WindowOptions.Tumbling(Length(random), Extreme(random));
                break;
            case 1:
                long size = Length(random);
                long slide = random.NextInt64(Math.Max(1, size / 40), (size * 2) + 1); // at most ~40 windows per event
                options = WindowOptions.Hopping(size, slide, Extreme(random));
                break;
            default:
                options = WindowOptions.Session(Length(random));
                break;
        }

        return options with
        {
            Emission = (EmissionMode)random.Next(3),
            EarlyPeriod = 5,
            AllowedLateness = random.Next(3) switch { 0 => 0, 1 => random.Next(1, 30), _ => random.NextInt64(0, long.MaxValue) },
            Watermark = new WatermarkOptions { OutOfOrderness = random.Next(3) switch { 0 => 0, 1 => random.Next(1, 30), _ => random.NextInt64(0, long.MaxValue) } },
            Capacity = 1024,
        };
    }

    [Test]
    [CancelAfter(60_000)]
    public void RandomExtremeStreams_AgreeWithReferenceModel_AndStayBounded()
    {
        long refused = 0;
        for (int seed = 1; seed <= Streams; seed++)
        {
            var random = new Random(seed);
            WindowOptions options = RandomOptions(random);
            long anchor = Extreme(random);
            var script = new List<ScriptStep>();
            int events = random.Next(5, 40);
            for (int i = 0; i < events; i++)
            {
                var t = new TestTrade(Near(random, random.Next(4) == 0 ? Extreme(random) : anchor, 64), random.Next(3), random.Next(1, 9), 1);
                if (random.Next(10) == 0)
                {
                    t.Punctuation = Near(random, anchor, 64);
                }

                script.Add(ScriptStep.Event(t));
                if (random.Next(10) == 0)
                {
                    script.Add(ScriptStep.Watermark(Near(random, anchor, 64)));
                }

                if (random.Next(10) == 0)
                {
                    script.Add(ScriptStep.Tick(i * 3));
                }
            }

            script.Add(ScriptStep.Drain());
            var model = new WindowReferenceModel(options);
            model.Run(script);
            var collector = new Collector();
            IWindowOperator<TestTrade> op = options.Kind == WindowKind.Session
                ? new SessionOp(options, default, new Sink(collector))
                : new TimeOp(options, default, new Sink(collector));
            WindowDriver.Run(op, collector, script);

            IReadOnlyList<ExpectedResult> expected = ExpectedResult.Canonical(model.Results);
            IReadOnlyList<ExpectedResult> actual = WindowDriver.Results(collector);
            Assert.That(actual, Is.EqualTo(expected), $"seed {seed}, {options}: {WindowDriver.Diff(expected, actual)}");
            Assert.That(WindowDriver.Late(collector), Is.EqualTo(model.Late), $"seed {seed}: late events");
            Assert.That(op.Counters.PartialDrops, Is.EqualTo(model.PartialDrops), $"seed {seed}: partial drops");

            // Each (event, window) pair yields at most an update, an on-time firing and a final result.
            long windowsPerEvent = options.Kind == WindowKind.Hopping ? ((options.Size - 1) / options.Slide) + 1 : 1;
            Assert.That(collector.Results, Has.Count.LessThanOrEqualTo(3 * events * windowsPerEvent), $"seed {seed}: output bounded");
            Assert.That(collector.Results.All(r => r.Result.Start < r.Result.End), Is.True, $"seed {seed}: windows are non-empty");
            refused += op.Counters.OutOfRange;
        }

        Assert.That(refused, Is.GreaterThan(0), "the streams must reach unrepresentable windows");
    }

    [Test]
    [CancelAfter(5_000)]
    public void OnEvent_SessionNearMinValue_WatermarkSaturatesInsteadOfWrapping()
    {
        var collector = new Collector();
        var op = new SessionOp(WindowOptions.Session(7) with { Watermark = new WatermarkOptions { OutOfOrderness = 5 } }, default, new Sink(collector));
        var a = new TestTrade(long.MinValue + 2, 1, 1, 1);
        var b = new TestTrade(long.MinValue + 20, 1, 1, 1);
        op.OnEvent(ref a);
        Assert.That(op.Watermark, Is.EqualTo(long.MinValue), "ts − B − 1 saturates");
        op.OnEvent(ref b);
        Assert.That(op.Watermark, Is.EqualTo(long.MinValue + 14));
        Assert.That(collector.Results.Select(r => (r.Result.Start, r.Result.IsFinal, r.Result.Timing)),
            Is.EqualTo(new[] { (long.MinValue + 2, true, PaneTiming.OnTime) }), "only the first session (end − 1 = MinValue + 8) fired");
        Assert.That(op.LateDropped, Is.Zero);
    }

    [TestCase(EmissionMode.OnClose)]
    [TestCase(EmissionMode.OnEveryUpdate)]
    [CancelAfter(5_000)]
    public void OnEvent_TumblingWindowStartBelowMinValue_RefusedAndCounted(EmissionMode mode)
    {
        var collector = new Collector();
        var op = new TimeOp(WindowOptions.Tumbling(10) with { Emission = mode }, default, new Sink(collector));
        var e = new TestTrade(long.MinValue + 3, 1, 1, 1); // its window would start at −2^63 − 2
        op.OnEvent(ref e);
        op.Drain();
        Assert.Multiple(() =>
        {
            Assert.That(collector.Results, Is.Empty);
            Assert.That(collector.Late.Select(l => l.Reason), Is.EqualTo(new[] { LateReason.TimestampOutOfRange }));
            Assert.That(op.Counters.OutOfRange, Is.EqualTo(1));
            Assert.That(collector.EndMarkers, Is.EqualTo(1));
        });
    }

    [Test]
    [CancelAfter(5_000)]
    public void OnEvent_EveryUpdateWithLateness_FiresOnTimeWhenWatermarkReachesEndMinusOne()
    {
        // The repro: tumbling 10, B = 0, L = 5, every update, ts 1 then 10.
        var collector = new Collector();
        var op = new TimeOp(WindowOptions.Tumbling(10) with { Emission = EmissionMode.OnEveryUpdate, AllowedLateness = 5 }, default, new Sink(collector));
        var first = new TestTrade(1, 1, 1, 1);
        var second = new TestTrade(10, 1, 1, 1);
        op.OnEvent(ref first);
        op.OnEvent(ref second);
        Assert.That(collector.Results.Select(r => (r.Result.Start, r.Result.Version, r.Result.Timing, r.Result.IsFinal, r.Result.TriggerSequence)), Is.EqualTo(new[]
        {
            (0L, 1, PaneTiming.Early, false, 0L),
            (10L, 1, PaneTiming.Early, false, 1L),
            (0L, 2, PaneTiming.OnTime, false, 1L),
        }));
    }
}
