using System.Runtime.CompilerServices;
using LowLatency.Engine.Journal;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Lab.Bench.Window;
using LowLatency.Lab.Measurement;

namespace LowLatency.Lab.Bench.Journal;

/// <summary>
/// Replay at max speed: a recorded journal of window trades (written before the timer starts) replayed through a
/// pipeline whose one stage is the 1 s tumbling VWAP over 10k keys (recorded-clock stage, Backoff wait), or, to
/// separate the replay's own cost from the window's, a stage that only counts the trades; or into the same window stage
/// on the replaying thread, without a ring. Figures: the stage's and the replaying thread's
/// time on a core per event (schedstat), which a loaded box does not inflate as it does the rate.
/// </summary>
internal sealed class JournalReplayTumblingScenario(JournalReplayTumblingScenario.Mode mode) : IBenchScenario
{
    private readonly bool _window = mode != Mode.Count;
    private const int Capacity = 1 << 16;
    private const int DirectBatch = 4096; // the buffer of the replay without a ring: records of 256 events fit whole
    private const string PipelineName = "replay-bench";

    public enum Mode
    {
        /// <summary>Through the ring to a stage that counts the trades.</summary>
        Count,

        /// <summary>Through the ring to the window stage.</summary>
        Window,

        /// <summary>Straight into the window stage on the replaying thread.</summary>
        WindowDirect,
    }

    public string Name => mode switch
    {
        Mode.Count => "journal-replay-count",
        Mode.Window => "journal-replay-tumbling-1s",
        _ => "journal-replay-tumbling-1s-direct",
    };

    public string Group => "journal";

    public string Description => mode == Mode.WindowDirect
        ? "JournalReplay (max speed) into RecordedClockWindowStage on the replaying thread (no ring), tumbling 1 s VWAP, 10k keys"
        : _window
        ? "JournalReplay (max speed) → ring → RecordedClockWindowStage (batches), tumbling 1 s VWAP, 10k keys, Backoff wait"
        : "JournalReplay (max speed) → ring → a batch stage counting the trades, Backoff wait: the replay's own rate";

    public BenchResult Run(BenchContext context)
    {
        long n = JournalBenchFiles.Events(context);
        string folder = JournalBenchFiles.CreateFolder();
        try
        {
            using (var writer = JournalWriter<WindowTrade, BlittableCodec<WindowTrade>>.Open(folder, default, JournalOptions.Default with { SegmentBytes = JournalBenchFiles.SegmentBytes }))
            {
                var batch = new WindowTrade[256];
                for (long i = 0; i < n; i += batch.Length)
                {
                    int count = (int)Math.Min(batch.Length, n - i);
                    for (int k = 0; k < count; k++)
                    {
                        WindowBenchStream.Get(i + k, out batch[k]);
                    }

                    writer.Append(batch.AsSpan(0, count), i);
                }
            }

            var op = new TimeWindowOperator<WindowTrade, long, VwapAccumulator, VwapFunction, CountingWindowSink>(
                WindowOptions.Tumbling(WindowBenchStream.Second) with
                {
                    Watermark = new WatermarkOptions { OutOfOrderness = WindowBenchStream.OutOfOrderness },
                    Capacity = 3 * WindowBenchStream.Keys,
                    KeyCapacity = 12 * WindowBenchStream.Keys / 10,
                });
            if (mode == Mode.WindowDirect)
            {
                return RunDirect(folder, op, n);
            }

            var trades = new StrongBox<long>();
            var clock = new RecordedClock(Capacity);
            var pipeline = Pipeline<WindowTrade>.Create(PipelineOptions.Default with { Name = PipelineName, Capacity = Capacity, WaitStrategy = WaitStrategyKind.Backoff });
            if (_window)
            {
                pipeline.HandleBatchesWith(new RecordedClockWindowStage<WindowTrade, TimeWindowOperator<WindowTrade, long, VwapAccumulator, VwapFunction, CountingWindowSink>>(op, clock));
            }
            else
            {
                pipeline.HandleBatchesWith(new TradeCountBatchHandler(trades));
            }

            pipeline.Start();
            using var reader = JournalReader.Open<WindowTrade, BlittableCodec<WindowTrade>>(folder, default);
            string? stageThread = ThreadSchedule.AwaitThread(PipelineName + "/", TimeSpan.FromSeconds(1));

            ThreadSchedule? stageStart = stageThread is null ? null : ThreadSchedule.Read(stageThread);
            ThreadSchedule? replayStart = ThreadSchedule.OfCurrentThread();
            var measurement = BenchMeasurement.Start();
            JournalReplay.Run(reader, default(BlittableCodec<WindowTrade>), pipeline.RingBuffer, _window ? clock : null);

            // Read before the drain ends the stage's thread: what it misses is at most the ring's events.
            ThreadSchedule? stage = stageThread is null ? null : ThreadSchedule.Read(stageThread) - stageStart;
            ThreadSchedule? replay = ThreadSchedule.OfCurrentThread() - replayStart;
            pipeline.DrainAsync().GetAwaiter().GetResult();
            BenchResult result = measurement.Stop(n);
            pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
            if (_window)
            {
                WindowScenarioCheck.AllCounted(op.Sink.Trades, n, op.Sink.Late, Name);
            }
            else if (trades.Value != n)
            {
                throw new InvalidOperationException($"{Name}: {trades.Value} trades replayed, expected {n}.");
            }

            if (stage is { } onStage && replay is { } onReplay)
            {
                // Load-proof figures: the stage's time on a core per event (its own cost, next to the operator driven
                // directly), its time runnable but without a core, and the replaying thread's time on a core.
                result = result with
                {
                    Figures = new Dictionary<string, double>
                    {
                        ["stageCpuNsPerEvent"] = onStage.RunNs / (double)n,
                        ["stageRunnableWaitNsPerEvent"] = onStage.RunnableWaitNs / (double)n,
                        ["replayCpuNsPerEvent"] = onReplay.RunNs / (double)n,
                    },
                };
            }

            return result;
        }
        finally
        {
            JournalBenchFiles.Delete(folder);
        }
    }

    private BenchResult RunDirect(string folder, TimeWindowOperator<WindowTrade, long, VwapAccumulator, VwapFunction, CountingWindowSink> op, long n)
    {
        var clock = new RecordedClock(DirectBatch);
        var stage = new RecordedClockWindowStage<WindowTrade, TimeWindowOperator<WindowTrade, long, VwapAccumulator, VwapFunction, CountingWindowSink>>(op, clock);
        var buffer = new WindowTrade[DirectBatch];
        using var reader = JournalReader.Open<WindowTrade, BlittableCodec<WindowTrade>>(folder, default);
        ThreadSchedule? start = ThreadSchedule.OfCurrentThread();
        var measurement = BenchMeasurement.Start();
        JournalReplay.Run(reader, default(BlittableCodec<WindowTrade>), ref stage, clock, buffer);
        stage.OnShutdown(ShutdownReason.Drained);
        BenchResult result = measurement.Stop(n);
        ThreadSchedule? onCore = ThreadSchedule.OfCurrentThread() - start;
        WindowScenarioCheck.AllCounted(op.Sink.Trades, n, op.Sink.Late, Name);
        return onCore is { } thread
            ? result with { Figures = new Dictionary<string, double> { ["replayCpuNsPerEvent"] = thread.RunNs / (double)n, ["replayRunnableWaitNsPerEvent"] = thread.RunnableWaitNs / (double)n } }
            : result;
    }
}
