using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using LowLatency.Engine;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Sequencing;
using LowLatency.Engine.Waiting;
using LowLatency.Lab.Bench;
using LowLatency.Lab.Reporting;

namespace LowLatency.Lab.Commands;

/// <summary>
/// <c>lowlatency pingpong</c>: round-trip latency of one event between two threads. The lab thread publishes
/// a ping stamped with the time; an echo stage (with the chosen wait strategy) publishes it back on a return
/// ring; the lab thread spins on the return ring and records the round trip in an HdrHistogram. With
/// <c>--interval-us</c> each ping waits that long first, so a parking strategy has gone to sleep: that
/// measures the wake-up round trip.
/// </summary>
internal static class PingPongCommand
{
    internal static Command Create()
    {
        var wait = new Option<WaitStrategyKind>("--wait-strategy") { Description = "The echo stage's wait strategy.", DefaultValueFactory = _ => WaitStrategyKind.BusySpin };
        var count = new Option<int>("--count") { Description = "Round trips to record (after 10% warm-up).", DefaultValueFactory = _ => 1_000_000 };
        var interval = new Option<int>("--interval-us") { Description = "Pause before each ping, in microseconds (0: back to back).", DefaultValueFactory = _ => 0 };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the result as JSON to this path." };
        var command = new Command("pingpong", "Round-trip latency between two threads through the engine, as an HdrHistogram.") { wait, count, interval, json };
        command.SetAction(parse =>
        {
            int rounds = parse.GetValue(count);
            if (rounds < 1)
            {
                throw new UsageException($"--count must be ≥ 1, got {rounds}.");
            }

            int intervalMicros = parse.GetValue(interval);
            if (intervalMicros < 0)
            {
                throw new UsageException($"--interval-us must be ≥ 0, got {intervalMicros}.");
            }

            string? path = parse.GetValue(json) is { } file ? OutputPaths.CheckFile("--json", file.FullName) : null;
            using var ctrlC = new CtrlC();
            PingPongReport report = Run(parse.GetValue(wait), rounds, intervalMicros, ctrlC.Token);
            if (path is not null)
            {
                ReportFiles.WriteJson(path, report);
                Console.WriteLine($"json: {path}");
            }

            return RunGuard.Passed;
        });
        return command;
    }

    private static PingPongReport Run(WaitStrategyKind wait, int rounds, int intervalMicros, CancellationToken cancel)
    {
        long begin = Stopwatch.GetTimestamp();
        Console.WriteLine($"pingpong: {rounds:N0} round trips (+10 % warm-up), {wait} echo stage, interval {intervalMicros} µs; Ctrl+C to stop");
        RingBuffer<Stamp> pong = RingBuffer<Stamp>.CreateSingleProducer(1024, BusySpinWaitStrategy.Instance);
        var pongRead = new Sequence();
        pong.Sequencer.SetGatingSequences(pongRead);
        var ping = Pipeline<Stamp>.Create(PipelineOptions.Default with { Name = "ping", Capacity = 1024, WaitStrategy = wait });
        ping.HandleEventsWith(new Echo(pong));
        ping.Start();

        var histogram = new LongHistogram(TimeStamp.Seconds(1), 3);
        long intervalTicks = intervalMicros * Stopwatch.Frequency / 1_000_000;
        int warmUp = rounds / 10;
        int gen0 = GC.CollectionCount(0);
        for (int i = 0; i < warmUp + rounds && !cancel.IsCancellationRequested; i++)
        {
            if (intervalTicks > 0)
            {
                long until = Stopwatch.GetTimestamp() + intervalTicks;
                while (Stopwatch.GetTimestamp() < until)
                {
                    Thread.SpinWait(10);
                }
            }

            long start = Stopwatch.GetTimestamp();
            long sequence = ping.RingBuffer.Next();
            ping.RingBuffer[sequence].SentAt = start;
            ping.RingBuffer.Publish(sequence);

            long expected = pongRead.ValueRelaxed + 1;
            while (pong.Cursor.ValueAcquire < expected)
            {
            }

            long end = Stopwatch.GetTimestamp();
            pongRead.SetRelease(expected);
            if (i == warmUp)
            {
                gen0 = GC.CollectionCount(0);
            }

            if (i >= warmUp)
            {
                histogram.RecordValue(end - start);
            }
        }

        ping.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        bool interrupted = cancel.IsCancellationRequested;
        double nsPerTick = 1e9 / Stopwatch.Frequency;
        long Ns(double percentile) => histogram.TotalCount == 0 ? 0 : (long)(histogram.GetValueAtPercentile(percentile) * nsPerTick);
        var report = new PingPongReport
        {
            Machine = MachineInfo.Current,
            WaitStrategy = wait.ToString(),
            Rounds = rounds,
            Recorded = histogram.TotalCount,
            IntervalUs = intervalMicros,
            RoundTripNs = new PingPongLatency(Ns(50), Ns(90), Ns(99), Ns(99.9), Ns(100)),
            Gen0 = GC.CollectionCount(0) - gen0,
            ElapsedSeconds = Math.Round(Stopwatch.GetElapsedTime(begin).TotalSeconds, 3),
            Interrupted = interrupted,
        };
        PingPongLatency l = report.RoundTripNs;
        Console.WriteLine($"machine: {report.Machine}");
        if (interrupted)
        {
            Console.WriteLine($"interrupted: Ctrl+C after {report.ElapsedSeconds:F1} s; {report.Recorded:N0} of {rounds:N0} round trips recorded");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pingpong wait={wait} rounds={report.Recorded} interval={intervalMicros}µs: round trip p50 {l.P50} ns, p90 {l.P90} ns, p99 {l.P99} ns, p99.9 {l.P999} ns, max {l.Max} ns; gen0 during measurement: {report.Gen0}"));
        return report;
    }

    private struct Stamp
    {
        public long SentAt;
    }

    private readonly struct Echo(RingBuffer<Stamp> pong) : IEventHandler<Stamp>
    {
        public void OnEvent(ref Stamp data, long sequence, bool endOfBatch) => pong.Publish(data);
    }
}
