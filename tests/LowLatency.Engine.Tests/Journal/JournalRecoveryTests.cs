using LowLatency.Engine.Journal;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using Op = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using Sink = CollectingSink<TestTrade, long, TradeBar>;
using Stage = RecordedClockWindowStage<TestTrade, TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>>;
using TradeCodec = BlittableCodec<TestTrade>;
using Writer = JournalWriter<TestTrade, BlittableCodec<TestTrade>>;

/// <summary>Restart = the latest snapshot + the journal after it: the same state and the same later output as a run that never stopped.</summary>
public sealed class JournalRecoveryTests
{
    private const int Capacity = 512;
    private const int Events = 6_000;
    private const int SnapshotEvery = 500;

    private static readonly WindowOptions s_options = WindowOptions.Tumbling(20) with
    {
        Watermark = new WatermarkOptions { OutOfOrderness = 7 },
        AllowedLateness = 10,
        Capacity = 4096,
    };

    [Test]
    [CancelAfter(120_000)]
    public async Task SnapshotPlusJournalTail_AtTenSeededCrashPoints_EqualsUninterruptedRun()
    {
        for (int seed = 1; seed <= 10; seed++)
        {
            TestTrade[] trades = ScriptGenerator.Create(seed, events: Events, keys: 7, step: 3, jitter: 12, watermarks: false)
                .Where(s => s.Kind == ScriptKind.Event).Select(s => s.Trade).ToArray();
            int crash = new Random(seed).Next(SnapshotEvery + 1, trades.Length - 1);

            // The run that never stops: results tagged with the position of the event after which they came.
            var reference = new Collector();
            using (var temp = new TempJournal())
            {
                await RunLiveAsync(temp.Directory, new Op(s_options, default, new Sink(reference)), reference, trades, 0, trades.Length, null, drain: true);
            }

            using var journal = new TempJournal();

            // The run that crashes after `crash` events: snapshots every 500 positions, then stopped without draining.
            var lost = new Collector();
            var snapshots = new SortedDictionary<long, byte[]>();
            await RunLiveAsync(journal.Directory, new Op(s_options, default, new Sink(lost)), lost, trades, 0, crash, snapshots, drain: false);

            // Recovery: the latest snapshot, then the journal after the position it covers, then the rest of the input.
            (long covered, byte[] image) = snapshots.Last();
            var recovered = new Collector();
            var op = new Op(s_options, default, new Sink(recovered));
            op.RestoreSnapshot(new MemoryStream(image));
            var clock = new RecordedClock(Capacity);
            long journaled;
            await using (var replay = Pipeline<TestTrade>.Create(PipelineOptions.Default with { Capacity = Capacity, WaitStrategy = WaitStrategyKind.Blocking }))
            {
                replay.HandleEventsWith(new Stage(op, clock));
                replay.Start();
                using JournalReader reader = JournalReader.Open<TestTrade, TradeCodec>(journal.Directory, default);
                JournalReplayResult result = JournalReplay.Run(reader, default(TradeCodec), replay.RingBuffer, clock, JournalReplayOptions.Default with { FromPosition = covered + 1 });
                // The stop cut the pipeline mid-stream: what reached the journal is what counts as accepted;
                // the source resends the rest (a TCP publisher's unacknowledged window, a Kafka offset).
                journaled = result.Events == 0 ? covered + 1 : result.LastPosition + 1;
                Assert.That(journaled, Is.InRange(covered + 1, crash), $"seed {seed}");
                // Every replayed event handled, then stop (not drain): the windows keep their state, the run goes on.
                long published = replay.RingBuffer.Cursor.ValueAcquire;
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
                while (replay.CompletedSequence < published && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(1);
                }

                Assert.That(replay.CompletedSequence, Is.EqualTo(published), $"seed {seed}: the replay was handled within 10 s");
                await replay.StopAsync();
            }

            await RunLiveAsync(journal.Directory, op, recovered, trades, (int)journaled, trades.Length - (int)journaled, null, drain: true);

            List<WindowResult<long, TradeBar>> expectedAfter = [.. reference.Results.Where(r => r.Index > covered).Select(r => r.Result)];
            Assert.That(recovered.Results.Select(r => r.Result), Is.EqualTo(expectedAfter), $"seed {seed}: crash after {crash}, snapshot at {covered}");
            Assert.That(lost.Results.Where(r => r.Index <= covered).Select(r => r.Result), Is.EqualTo(reference.Results.Where(r => r.Index <= covered).Select(r => r.Result)), $"seed {seed}");
            Assert.That(expectedAfter, Is.Not.Empty);
        }
    }

    /// <summary>Journal → window stage over trades[from, from + count); positions continue the journal.</summary>
    private static async Task RunLiveAsync(string directory, Op op, Collector collector, TestTrade[] trades, int from, int count, SortedDictionary<long, byte[]>? snapshots, bool drain)
    {
        using Writer writer = Writer.Open(directory, default, JournalOptions.Default with { SegmentBytes = 128 << 10 });
        long firstPosition = writer.NextPosition;
        Assert.That(firstPosition, Is.EqualTo(from), "the journal continues where the input stopped");
        var clock = new RecordedClock(Capacity);
        var barrier = new SnapshotBarrier();
        await using var pipeline = Pipeline<TestTrade>.Create(PipelineOptions.Default with { Capacity = Capacity, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleBatchesWith(new JournalStage<TestTrade, TradeCodec>(writer, new ProcessingClock(TimeProvider.System), clock))
            .Then(new Tagged(new Stage(op, clock, barrier), collector, firstPosition));
        pipeline.Start();
        for (int i = 0; i < count; i++)
        {
            bool snapshotHere = snapshots is not null && (i + 1) % SnapshotEvery == 0;
            var image = new MemoryStream();
            Task<long>? taken = snapshotHere ? barrier.RequestAsync(i, image) : null;
            pipeline.RingBuffer.Publish(trades[from + i]);
            if (taken is not null)
            {
                snapshots![firstPosition + await taken.WaitAsync(TimeSpan.FromSeconds(10))] = image.ToArray();
            }
        }

        if (drain)
        {
            await pipeline.DrainAsync();
        }
        else
        {
            await pipeline.StopAsync();
        }
    }

    /// <summary>Tags results with the journal position of the event after which they came.</summary>
    private struct Tagged(Stage inner, Collector collector, long firstPosition) : IEventHandler<TestTrade>, ILifecycleAware
    {
        private Stage _inner = inner;

        public void OnEvent(ref TestTrade data, long sequence, bool endOfBatch)
        {
            collector.CurrentIndex = (int)(firstPosition + sequence);
            _inner.OnEvent(ref data, sequence, endOfBatch);
        }

        public readonly void OnStart() => _inner.OnStart();

        public readonly void OnShutdown(ShutdownReason reason) => _inner.OnShutdown(reason);
    }
}
