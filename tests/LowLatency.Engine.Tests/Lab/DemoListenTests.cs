using System.Net;
using LowLatency.Adapters.Sockets;
using LowLatency.Engine.Pipelines;
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
}
