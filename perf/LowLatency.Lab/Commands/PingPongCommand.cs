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
        var command = new Command("pingpong", "Round-trip latency between two threads through the engine, as an HdrHistogram.") { wait, count, interval };
        command.SetAction(parse =>
        {
            int rounds = parse.GetValue(count);
            if (rounds < 1)
            {
                Console.Error.WriteLine("--count must be ≥ 1");
                return 2;
            }

            Run(parse.GetValue(wait), rounds, parse.GetValue(interval));
            return 0;
        });
        return command;
    }

    private static void Run(WaitStrategyKind wait, int rounds, int intervalMicros)
    {
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
        for (int i = 0; i < warmUp + rounds; i++)
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

        ping.StopAsync().GetAwaiter().GetResult();
        double nsPerTick = 1e9 / Stopwatch.Frequency;
        string P(double percentile) => (histogram.GetValueAtPercentile(percentile) * nsPerTick).ToString("F0", CultureInfo.InvariantCulture);
        Console.WriteLine($"machine: {MachineInfo.Current}");
        Console.WriteLine($"pingpong wait={wait} rounds={rounds} interval={intervalMicros}µs: round trip p50 {P(50)} ns, p90 {P(90)} ns, p99 {P(99)} ns, p99.9 {P(99.9)} ns, max {(histogram.GetMaxValue() * nsPerTick):F0} ns; gen0 during measurement: {GC.CollectionCount(0) - gen0}");
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
