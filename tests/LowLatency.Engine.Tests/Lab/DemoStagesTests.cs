using LowLatency.Lab.Demo;
using LowLatency.Lab.Feed;
using LowLatency.Lab.Measurement;
using LowLatency.Lab.Verification;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

/// <summary>The demo's four stages driven in order on one thread, as the pipeline would, without threads.</summary>
public sealed class DemoStagesTests
{
    private const int Symbols = 500;
    private const long NsPerTick = 10_000; // 100 k ticks per second of event time: windows fire every 100 k ticks.

    private sealed class Stages(FeedSettings settings)
    {
        public readonly FeedPublisher Feed = new(settings);
        public readonly DemoCounters Counters = new();
        public readonly StreamVerifier Verifier = new(1, settings.Symbols);
        public ValidateEnrichHandler Validate;
        public WindowStage Windows;
        public RiskCheckHandler Risk;
        public SinkHandler Sink;
        private long _next;

        public void Init()
        {
            Validate = new ValidateEnrichHandler(Counters);
            Windows = new WindowStage(Counters, Feed.Settings.Symbols, Feed.Settings.OutOfOrderBound);
            Risk = new RiskCheckHandler(Counters, 0.02, 1_000_000);
            Sink = new SinkHandler(Counters, new LatencyRecorder(), Verifier);
        }

        public void Run(int ticks)
        {
            var tick = default(DemoTick);
            for (int i = 0; i < ticks; i++, _next++)
            {
                Feed.Fill(ref tick, intendedTimestamp: 0, elapsedNs: _next * NsPerTick);
                Validate.OnEvent(ref tick, _next, endOfBatch: true);
                Windows.OnEvent(ref tick, _next, endOfBatch: true);
                Risk.OnEvent(ref tick, _next, endOfBatch: true);
                Sink.OnEvent(ref tick, _next, endOfBatch: true);
                if ((i & 63) == 63)
                {
                    Windows.OnBatchEnd(_next);
                    Sink.OnBatchEnd(_next);
                }
            }
        }
    }

    [CancelAfter(60_000)]
    [Test]
    public void DemoStages_SteadyState_AllocateNothingPerTick()
    {
        const ulong seed = 3;
        var stages = new Stages(FeedSettings.Default with { Symbols = Symbols, Seed = seed });
        stages.Init();
        stages.Run(300_000); // 3 s of event time: every symbol seen, windows fired, JIT tiers settled enough

        long before = GC.GetAllocatedBytesForCurrentThread();
        stages.Run(500_000); // 5 more seconds: 5 rounds of bars and hopping volumes
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Multiple(() =>
        {
            Assert.That(allocated, Is.Zero, $"seed {seed}");
            Assert.That(Volatile.Read(ref stages.Counters.WindowsEmitted), Is.GreaterThan(5 * Symbols), $"seed {seed}");
            Assert.That(Volatile.Read(ref stages.Counters.Late), Is.Positive, $"seed {seed}");
        });
    }

    [CancelAfter(60_000)]
    [Test]
    public void DemoStages_Drain_EveryTickVerifiedAndBarsMatchTheirTicks()
    {
        const ulong seed = 5;
        var stages = new Stages(FeedSettings.Default with { Symbols = Symbols, Seed = seed, LateShare = 0 });
        stages.Init();
        stages.Run(250_000);
        stages.Windows.OnShutdown(LowLatency.Engine.Processing.ShutdownReason.Drained);

        VerifierResult verdict = stages.Verifier.Finish(stages.Feed.PublishedPerSymbol);
        Assert.Multiple(() =>
        {
            Assert.That(verdict.IsClean, Is.True, $"seed {seed}: {verdict}");
            Assert.That(verdict.Seen, Is.EqualTo(250_000));
            Assert.That(Volatile.Read(ref stages.Counters.Late), Is.Zero, $"seed {seed}: no late ticks were sent");
            int bars = 0;
            foreach (WindowResult bar in stages.Windows.Log.Samples)
            {
                if (bar.Kind == "tumbling-1s")
                {
                    bars++;
                    Assert.That(bar.Vwap, Is.InRange(bar.Low, bar.High), $"seed {seed}: {bar}");
                    Assert.That(bar.Open, Is.InRange(bar.Low, bar.High), $"seed {seed}: {bar}");
                    Assert.That(bar.Close, Is.InRange(bar.Low, bar.High), $"seed {seed}: {bar}");
                    Assert.That(bar.EndNs - bar.StartNs, Is.EqualTo(1_000_000_000));
                }
            }

            Assert.That(bars, Is.EqualTo(3), "the three hottest symbols' last bars before the drain");
        });
    }
}
