using System.Diagnostics;
using LowLatency.Testing.Kafka;

namespace LowLatency.Lab.Kafka;

/// <summary>
/// The demo through Kafka: feed → topic <c>ticks</c> → engine (tumbling windows per instrument) → topic
/// <c>bars</c>, then a check that every tick is in exactly one bar. An embedded librdkafka mock cluster by
/// default (its bootstrap address is printed, so an outside client such as kcat can attach), or a real
/// cluster given its bootstrap servers (topics <c>ticks</c> and <c>bars</c> must exist or be auto-created).
/// </summary>
internal static class KafkaDemo
{
    /// <summary>Runs the demo; returns the process exit code (0 when lost = 0 and duplicates = 0).</summary>
    /// <param name="bootstrap">A real cluster's bootstrap servers, or null for the embedded mock cluster.</param>
    /// <param name="output">Where to print progress and the result.</param>
    /// <param name="cancellationToken">Stops the demo.</param>
    /// <param name="instruments">Instruments (keys) fed.</param>
    /// <param name="ticksPerInstrument">Ticks per instrument.</param>
    public static async Task<int> RunAsync(string? bootstrap, TextWriter output, CancellationToken cancellationToken, int instruments = 16, long ticksPerInstrument = 10_000)
    {
        const int partitions = 4;
        string suffix = DateTime.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        using KafkaMockCluster? cluster = bootstrap is null ? new KafkaMockCluster(brokers: 3) : null;
        string servers = bootstrap ?? cluster!.BootstrapServers;
        string ticks = cluster is null ? "ticks" : $"ticks-{suffix}";
        string bars = cluster is null ? "bars" : $"bars-{suffix}";
        if (cluster is not null)
        {
            cluster.CreateTopic(ticks, partitions);
            cluster.CreateTopic(bars, partitions);
            output.WriteLine($"embedded Kafka mock cluster: bootstrap {servers} (topics {ticks}, {bars}); attach with e.g. kcat -b {servers} -C -t {bars}");
        }
        else
        {
            output.WriteLine($"Kafka cluster: bootstrap {servers} (topics {ticks}, {bars})");
        }

        var clock = Stopwatch.StartNew();
        await using KafkaBarsWorker worker = KafkaBarsWorker.Start(servers, ticks, bars, group: $"demo-{suffix}", windowSize: 1000, ringCapacity: 1 << 14, maxKeys: instruments);
        long fed = await Task.Run(() => TickFeed.Produce(servers, ticks, partitions, instruments, ticksPerInstrument, seed: 1), cancellationToken);
        output.WriteLine($"fed {fed:N0} ticks in {clock.Elapsed.TotalSeconds:F1} s; engine consumed {worker.Source.Consumed:N0} so far");
        await worker.WaitCaughtUpAsync(TimeSpan.FromMilliseconds(500), cancellationToken, line => output.WriteLine($"  {line}"));
        await worker.StopAsync();
        output.WriteLine($"engine: {worker}");
        output.WriteLine($"through Kafka and back in {clock.Elapsed.TotalSeconds:F1} s");

        BarVerifier check = BarVerifier.Verify(servers, bars, partitions, instruments, ticksPerInstrument, TimeSpan.FromSeconds(30));
        output.WriteLine($"bars: {check}");
        return check.Lost == 0 && check.Duplicates == 0 && check.Inconsistent == 0 ? 0 : 1;
    }
}
