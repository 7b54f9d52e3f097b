using System.Net;
using System.Text.Json;
using LowLatency.Adapters.Sockets;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Commands;
using LowLatency.Lab.Demo;
using LowLatency.Lab.Feed;
using LowLatency.Lab.Tcp;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

/// <summary><c>demo --listen</c>: ticks from the lab's TCP feed (wire schema MTK1) through the demo pipeline, verified.</summary>
public sealed class DemoListenTests
{
    [CancelAfter(60_000)]
    [Test]
    public async Task Execute_TicksOverLoopbackTcp_EveryTickVerifiedAndWindowsFire()
    {
        const int seed = 23;
        const int count = 20_000;
        var listening = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var spec = new RunSpec
        {
            Feed = FeedSettings.Default with { Symbols = 64 },
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            Duration = TimeSpan.FromSeconds(3),
            Warmup = TimeSpan.FromSeconds(0.5),
            Interval = TimeSpan.FromSeconds(0.5),
            WaitStrategy = WaitStrategyKind.Hybrid,
            Capacity = 4_096,
        };

        Task<RunResult> run = Task.Run(() => LabRun.Execute(spec, onListening: listening.SetResult));
        IPEndPoint endpoint = await listening.Task.WaitAsync(TimeSpan.FromSeconds(10));

        using (var publisher = new TcpPublisher<MarketTick, MarketTickCodec>(endpoint, default, TcpPublisherOptions.Default with { SchemaId = MarketTickCodec.SchemaId }))
        {
            publisher.Start();
            var ticks = new SyntheticTicks(instruments: 64, seed: seed);
            for (int i = 0; i < count; i++)
            {
                // 100 µs of event time per tick: 2 s of event time, so 1 s bars fire before the drain.
                publisher.Publish(ticks.Next(i * 100_000L));
            }

            await publisher.WaitUntilAckedAsync(TimeSpan.FromSeconds(20));
        }

        RunResult result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Multiple(() =>
        {
            Assert.That(result.Events, Is.EqualTo(count), $"seed {seed}");
            Assert.That(result.Verification.IsClean, Is.True, $"seed {seed}: {result.Verification}");
            Assert.That(result.Verification.Seen, Is.EqualTo(count), $"seed {seed}");
            Assert.That(result.WindowsEmitted, Is.Positive, $"seed {seed}");
        });
    }

    private static RunSpec ListenSpec(string? token = null, double seconds = 2) => new()
    {
        Feed = FeedSettings.Default with { Symbols = 64 },
        Listen = new IPEndPoint(IPAddress.Loopback, 0),
        ListenToken = token,
        Duration = TimeSpan.FromSeconds(seconds),
        Warmup = TimeSpan.FromSeconds(0.5),
        Interval = TimeSpan.FromSeconds(0.5),
        WaitStrategy = WaitStrategyKind.Blocking,
        Capacity = 4_096,
    };

    [CancelAfter(60_000)]
    [Test]
    public void Run_NoPublisherCame_SaysSoExitsNothingToVerifyAndJsonIsNotVerified()
    {
        string json = Path.Combine(Path.GetTempPath(), $"lowlatency-listen-{Guid.NewGuid():N}.json");
        var console = new StringWriter();
        try
        {
            int exit = DemoCommand.Run(ListenSpec(seconds: 1), json, console);

            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement root = report.RootElement;
            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.EqualTo(RunGuard.NothingToVerify), console.ToString());
                Assert.That(console.ToString(), Does.Contain("NO PUBLISHER connected").And.Contain("NOTHING TO VERIFY").And.Not.Contain(": verified"));
                Assert.That(root.GetProperty("verified").GetBoolean(), Is.False);
                Assert.That(root.GetProperty("edge").GetProperty("connectionsAccepted").GetInt64(), Is.Zero);
            });
        }
        finally
        {
            File.Delete(json);
        }
    }

    [CancelAfter(60_000)]
    [Test]
    public async Task Run_TokenRequired_WrongTokenRefusedRightTokenVerifiedEdgeInConsoleAndJson()
    {
        const int count = 5_000;
        string json = Path.Combine(Path.GetTempPath(), $"lowlatency-listen-{Guid.NewGuid():N}.json");
        var console = new StringWriter();
        var listening = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            Task<int> run = Task.Run(() => DemoCommand.Run(ListenSpec("s3cret", seconds: 3), json, console, listening.SetResult));
            IPEndPoint endpoint = await listening.Task.WaitAsync(TimeSpan.FromSeconds(10));
            var options = TcpPublisherOptions.Default with { SchemaId = MarketTickCodec.SchemaId };
            await using (var intruder = new TcpPublisher<MarketTick, MarketTickCodec>(endpoint, default, options with { AuthToken = "guess"u8.ToArray() }))
            {
                intruder.Start();
                intruder.Publish(new SyntheticTicks(seed: 1).Next(0));
                Assert.That(async () => await intruder.WaitUntilAckedAsync(TimeSpan.FromSeconds(10)), Throws.TypeOf<ProtocolException>());
            }

            await using (var publisher = new TcpPublisher<MarketTick, MarketTickCodec>(endpoint, default, options with { AuthToken = "s3cret"u8.ToArray() }))
            {
                publisher.Start();
                var ticks = new SyntheticTicks(instruments: 64, seed: 5);
                for (int i = 0; i < count; i++)
                {
                    publisher.Publish(ticks.Next(i * 100_000L));
                }

                await publisher.WaitUntilAckedAsync(TimeSpan.FromSeconds(20));
            }

            int exit = await run.WaitAsync(TimeSpan.FromSeconds(30));
            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement edge = report.RootElement.GetProperty("edge");
            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.Zero, console.ToString());
                Assert.That(console.ToString(), Does.Contain("tcp edge").And.Contain("AuthenticationFailed").And.Contain(": verified"));
                Assert.That(edge.GetProperty("tokenRequired").GetBoolean(), Is.True);
                Assert.That(edge.GetProperty("connectionsAccepted").GetInt64(), Is.GreaterThanOrEqualTo(2));
                Assert.That(edge.GetProperty("eventsPublished").GetInt64(), Is.EqualTo(count));
                Assert.That(edge.GetProperty("duplicateEvents").GetInt64(), Is.Zero);
                Assert.That(edge.GetProperty("missingEvents").GetInt64(), Is.Zero);
                Assert.That(edge.GetProperty("disconnects").GetProperty("AuthenticationFailed").GetInt64(), Is.GreaterThanOrEqualTo(1));
                Assert.That(report.RootElement.GetProperty("events").GetInt64(), Is.EqualTo(count));
            });
        }
        finally
        {
            File.Delete(json);
        }
    }
}
