using LowLatency.Engine.Processing;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using SessionOp = SessionWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using Sink = CollectingSink<TestTrade, long, TradeBar>;
using TimeOp = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using UnpunctuatedSessionOp = SessionWindowOperator<TestTrade, long, TradeBar, UnpunctuatedTradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using UnpunctuatedTimeOp = TimeWindowOperator<TestTrade, long, TradeBar, UnpunctuatedTradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;

/// <summary>
/// The operators, run as pipeline stages, against the brute-force reference model on seeded random streams: every
/// window kind, emission mode and batching (one event per batch through the per-event path, the stream's own batches
/// and one batch of everything through the batch path),
/// with random geometry (hopping slides that do not divide the size, and slides larger than the size), lateness and
/// out-of-orderness. Results are compared whole: pane timing, trigger sequence, version, finality and aggregates;
/// late events by reason; partial drops, accepted and allowed-late events by count.
/// </summary>
public sealed class WindowModelTests
{
    public enum Batching
    {
        Ones,
        Own,
        All,
    }

    private const int Streams = 1_000;
    private const long Millisecond = 1_000_000;

    /// <summary>
    /// Every kind, mode and batching, with punctuated watermarks in the stream and without (a function that is not
    /// <see cref="IPunctuatedWatermark{TEvent}"/>: the operators' batch fast paths, which punctuation rules out, run then).
    /// </summary>
    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (bool punctuated in new[] { true, false })
        {
            foreach (WindowKind kind in new[] { WindowKind.Tumbling, WindowKind.Hopping, WindowKind.Session })
            {
                foreach (EmissionMode mode in Enum.GetValues<EmissionMode>())
                {
                    foreach (Batching batching in Enum.GetValues<Batching>())
                    {
                        yield return new TestCaseData(kind, mode, batching, punctuated)
                            .SetArgDisplayNames($"{kind}-{mode}-{batching}{(punctuated ? "" : "-unpunctuated")}");
                    }
                }
            }
        }
    }

    /// <summary>Random geometry, lateness and watermark bound for one stream.</summary>
    internal static WindowOptions RandomOptions(WindowKind kind, EmissionMode mode, Random random)
    {
        WindowOptions options = kind switch
        {
            WindowKind.Tumbling => WindowOptions.Tumbling(random.Next(1, 31), offset: random.Next(-50, 51)),
            WindowKind.Hopping => WindowOptions.Hopping(random.Next(1, 41), random.Next(1, 51), offset: random.Next(-50, 51)),
            _ => WindowOptions.Session(random.Next(1, 21)),
        };
        long? bound = random.Next(6) switch
        {
            0 => 0,
            1 => null, // only punctuations move the watermark
            _ => random.Next(1, 16),
        };
        return options with
        {
            Emission = mode,
            EarlyPeriod = 30 * Millisecond,
            AllowedLateness = random.Next(2) == 0 ? 0 : random.Next(1, 31),
            Watermark = new WatermarkOptions { OutOfOrderness = bound },
            Capacity = 1024,
        };
    }

    internal static IWindowOperator<TestTrade> Create(WindowOptions options, Collector collector, bool punctuated = true) => (options.Kind, punctuated) switch
    {
        (WindowKind.Session, true) => new SessionOp(options, default, new Sink(collector)),
        (WindowKind.Session, false) => new UnpunctuatedSessionOp(options, default, new Sink(collector)),
        (_, true) => new TimeOp(options, default, new Sink(collector)),
        _ => new UnpunctuatedTimeOp(options, default, new Sink(collector)),
    };

    private static List<TestTrade> RandomTrades(Random random, bool punctuated)
    {
        int count = random.Next(10, 50);
        int keys = random.Next(1, 5);
        long clock = random.Next(-100, 100);
        var trades = new List<TestTrade>(count);
        for (int i = 0; i < count; i++)
        {
            clock += random.Next(0, 5);
            long ts = clock - random.Next(0, 13);
            if (random.Next(12) == 0)
            {
                ts -= random.Next(0, 80); // very late
            }

            var t = new TestTrade(ts, random.Next(keys), random.Next(1, 20), random.Next(1, 5));
            if (random.Next(15) == 0 && punctuated)
            {
                t.Punctuation = clock - random.Next(0, 20);
            }

            trades.Add(t);
        }

        return trades;
    }

    private static List<int> BatchSizes(Batching batching, int count, Random random)
    {
        var sizes = new List<int>();
        for (int left = count; left > 0;)
        {
            int n = batching switch
            {
                Batching.Ones => 1,
                Batching.All => left,
                _ => Math.Min(left, random.Next(1, 9)),
            };
            sizes.Add(n);
            left -= n;
        }

        return sizes;
    }

    [TestCaseSource(nameof(Cases))]
    [CancelAfter(120_000)]
    public void RandomStreams_ThroughStage_AgreeWithReferenceModel(WindowKind kind, EmissionMode mode, Batching batching, bool punctuated)
    {
        var totals = new WindowCounters();
        long modelPartial = 0, late = 0, onTime = 0, early = 0;
        for (int seed = 1; seed <= Streams; seed++)
        {
            var random = new Random(seed * 7919 + (int)kind * 31 + (int)mode);
            WindowOptions options = RandomOptions(kind, mode, random);
            List<TestTrade> trades = RandomTrades(random, punctuated);
            List<int> batches = BatchSizes(batching, trades.Count, random);

            // The stage reads processing time once per batch: the model sees the same reading as a tick before the batch.
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
            var clock = new ProcessingClock(time);
            var collector = new Collector();
            IWindowOperator<TestTrade> op = Create(options, collector, punctuated);
            var stage = new WindowStage<TestTrade, IWindowOperator<TestTrade>>(op, clock);
            var script = new List<ScriptStep>();
            int next = 0;
            foreach (int size in batches)
            {
                time.Advance(TimeSpan.FromMilliseconds(random.Next(1, 50)));
                script.Add(ScriptStep.Tick(clock.Now()));
                stage.OnBatchStart(next, size);
                for (int i = next; i < next + size; i++)
                {
                    script.Add(ScriptStep.Event(trades[i]));
                }

                if (batching == Batching.Ones)
                {
                    TestTrade t = trades[next];
                    stage.OnEvent(ref t, next, true);
                }
                else
                {
                    stage.OnBatch(trades.GetRange(next, size).ToArray(), next); // as the ring hands a span of its slots
                }

                stage.OnBatchEnd(next + size - 1);
                next += size;
            }

            stage.OnShutdown(ShutdownReason.Drained);
            script.Add(ScriptStep.Drain());
            var model = new WindowReferenceModel(options);
            model.Run(script);

            // Results are placed by their trigger sequence (the stage cannot tag script steps).
            IReadOnlyList<ExpectedResult> expected = ExpectedResult.Canonical(model.Results.Select(r => r with { Index = 0 }));
            IReadOnlyList<ExpectedResult> actual = ExpectedResult.Canonical(collector.Results.Select(r => ExpectedResult.From(0, r.Result)));
            WindowCounters counters = op.Counters;
            Assert.That(actual, Is.EqualTo(expected), $"seed {seed}, {options}: {WindowDriver.Diff(expected, actual)}");
            Assert.That(collector.Late.Select(x => x.Reason), Is.EqualTo(model.Late.Select(x => x.Reason)), $"seed {seed}: late events");
            Assert.That(counters.PartialDrops, Is.EqualTo(model.PartialDrops), $"seed {seed}: partial drops");
            Assert.That(counters.EventsAccepted, Is.EqualTo(model.Accepted), $"seed {seed}: accepted");
            Assert.That(counters.LateAccepted, Is.EqualTo(model.LateAccepted), $"seed {seed}: accepted at or behind the watermark");
            Assert.That(counters.EventsHandled, Is.EqualTo(trades.Count), $"seed {seed}: every event counted once");
            Assert.That(collector.EndMarkers, Is.EqualTo(1), $"seed {seed}");

            totals.LateDropped += counters.LateDropped;
            totals.LateAccepted += counters.LateAccepted;
            totals.Unassigned += counters.Unassigned;
            modelPartial += model.PartialDrops;
            late += model.Results.Count(r => r.Timing == PaneTiming.Late);
            onTime += model.Results.Count(r => r.Timing == PaneTiming.OnTime);
            early += model.Results.Count(r => r.Timing == PaneTiming.Early);
        }

        // The generator must exercise what the test claims.
        Assert.Multiple(() =>
        {
            Assert.That(totals.LateDropped, Is.GreaterThan(0), "too-late events");
            Assert.That(totals.LateAccepted, Is.GreaterThan(0), "allowed-late events");
            Assert.That(onTime, Is.GreaterThan(0), "on-time firings");
            Assert.That(late, Is.GreaterThan(0), "late firings");
            if (mode == EmissionMode.OnEveryUpdate || (mode == EmissionMode.EarlyEveryPeriod && batching != Batching.All))
            {
                Assert.That(early, Is.GreaterThan(0), "early results (one batch reads the clock once, before any event: no early round has changes)");
            }

            if (kind == WindowKind.Hopping)
            {
                Assert.That(totals.Unassigned, Is.GreaterThan(0), "events in gaps (slide > size)");
                Assert.That(modelPartial, Is.GreaterThan(0), "partial drops");
            }
        });
    }
}
