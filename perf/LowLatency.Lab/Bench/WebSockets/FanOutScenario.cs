using System.Diagnostics;

namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>
/// Window-result fan-out to a thousand loopback clients: rounds of one update for each of 100 keys, one round every
/// <c>roundMs</c> (1 ms: 100 k updates/s, 100 M deliveries/s offered, beyond what two cores deliver, so each transport
/// shows its saturated rate; 100 ms: 1 k updates/s, 1 M deliveries/s, near capacity, for latency). Measures updates
/// received per second by all clients together, emission-to-receive p50/p99, and memory per client (server and
/// clients share the process). Scenarios with the same <c>fixtureKey</c> share the connected clients.
/// </summary>
internal sealed class FanOutScenario(string name, string fixtureKey, string description, int roundMs, Func<Task<IFanOutFixture>> create) : IBenchScenario
{
    public const int Clients = 1000;
    private const int Keys = 100;
    private static readonly TimeSpan MaxIteration = TimeSpan.FromSeconds(30);

    public string Name => name;

    public string Group => "websocket";

    public string Description => description;

    public BenchResult Run(BenchContext context)
    {
        IFanOutFixture fixture = FanOutFixtures.Get(fixtureKey, create);
        fixture.Latency.TakeInterval();
        long delivered = fixture.Delivered;
        long conflated = fixture.Conflated;
        var clock = Stopwatch.StartNew();
        BenchMeasurement measurement = BenchMeasurement.Start();
        while (fixture.Delivered - delivered < context.Events && clock.Elapsed < MaxIteration)
        {
            fixture.PublishRoundAsync(Keys).AsTask().GetAwaiter().GetResult();
            Thread.Sleep(roundMs);
        }

        long received = fixture.Delivered - delivered;
        double seconds = clock.Elapsed.TotalSeconds;
        (double p50, double p99) = fixture.Latency.TakeInterval();
        (double heap, double rss) = fixture.MemoryPerClient;
        return measurement.Stop(received, new Dictionary<string, double>
        {
            ["p50Us"] = p50,
            ["p99Us"] = p99,
            ["heapKiBPerClient"] = heap / 1024,
            ["rssKiBPerClient"] = rss / 1024,
            ["conflatedPerSecond"] = (fixture.Conflated - conflated) / seconds,
        });
    }
}
