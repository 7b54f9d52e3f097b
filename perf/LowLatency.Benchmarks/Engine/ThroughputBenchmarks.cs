using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using LowLatency.Engine;
using LowLatency.Engine.Pipelines;

namespace LowLatency.Benchmarks.Engine;

/// <summary>
/// Topologies side by side with a bounded <see cref="Channel{T}"/> doing the same hops. Each operation is
/// one event; an invocation pushes <see cref="Events"/> through and waits for the last stage.
/// Yielding wait strategy for the engine (two busy-spinning threads would take this 2-core box).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class ThroughputBenchmarks
{
    private const int Events = 1_000_000;
    private const int Capacity = 1 << 16;

    private Pipeline<ValueEvent> _oneToOne = null!;
    private Pipeline<ValueEvent> _threeStage = null!;
    private Pipeline<ValueEvent> _diamond = null!;
    private readonly Progress _oneToOneProgress = new();
    private readonly Progress _threeStageProgress = new();
    private readonly Progress _diamondProgress = new();
    private long _oneToOneTarget;
    private long _threeStageTarget;
    private long _diamondTarget;

    private Channel<long> _channel = null!;
    private Channel<long>[] _channelChain = null!;
    private readonly Progress _channelProgress = new();
    private readonly Progress _channelChainProgress = new();
    private long _channelTarget;
    private long _channelChainTarget;
    private Task _channelConsumer = null!;
    private Task[] _channelChainTasks = null!;

    [GlobalSetup]
    public void Setup()
    {
        PipelineOptions options = PipelineOptions.Default with { Capacity = Capacity, WaitStrategy = WaitStrategyKind.Yielding };

        _oneToOne = Pipeline<ValueEvent>.Create(options);
        _oneToOne.HandleEventsWith(new CountingHandler(_oneToOneProgress));
        _oneToOne.Start();

        _threeStage = Pipeline<ValueEvent>.Create(options);
        _threeStage.HandleEventsWith(new CountingHandler(null)).Then(new CountingHandler(null)).Then(new CountingHandler(_threeStageProgress));
        _threeStage.Start();

        _diamond = Pipeline<ValueEvent>.Create(options);
        StageGroup<ValueEvent> first = _diamond.HandleEventsWith(new CountingHandler(null));
        first.Then(new CountingHandler(null), new CountingHandler(null)).Then(new CountingHandler(_diamondProgress));
        _diamond.Start();

        _channel = Channel.CreateBounded<long>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
        _channelConsumer = Task.Run(() => Drain(_channel.Reader, null, _channelProgress));

        _channelChain = [.. Enumerable.Range(0, 3).Select(_ => Channel.CreateBounded<long>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true }))];
        _channelChainTasks =
        [
            Task.Run(() => Drain(_channelChain[0].Reader, _channelChain[1].Writer, null)),
            Task.Run(() => Drain(_channelChain[1].Reader, _channelChain[2].Writer, null)),
            Task.Run(() => Drain(_channelChain[2].Reader, null, _channelChainProgress)),
        ];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (Pipeline<ValueEvent> pipeline in new[] { _oneToOne, _threeStage, _diamond })
        {
            pipeline.DrainAsync().GetAwaiter().GetResult();
        }

        _channel.Writer.Complete();
        _channelChain[0].Writer.Complete();
        _channelConsumer.GetAwaiter().GetResult();
        Task.WaitAll(_channelChainTasks);
    }

    [Benchmark(OperationsPerInvoke = Events, Baseline = true, Description = "Channel 1P1C (async consumer)")]
    public void Channel1P1C()
    {
        ChannelWriter<long> writer = _channel.Writer;
        for (long i = 0; i < Events; i++)
        {
            if (!writer.TryWrite(i))
            {
                writer.WriteAsync(i).AsTask().GetAwaiter().GetResult();
            }
        }

        _channelProgress.WaitFor(_channelTarget += Events);
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "Engine 1P1C")]
    public void Engine1P1C()
    {
        Publish(_oneToOne.RingBuffer, Events);
        _oneToOneProgress.WaitFor(_oneToOneTarget += Events);
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "Channel 1P3C chain (3 channels)")]
    public void ChannelThreeStage()
    {
        ChannelWriter<long> writer = _channelChain[0].Writer;
        for (long i = 0; i < Events; i++)
        {
            if (!writer.TryWrite(i))
            {
                writer.WriteAsync(i).AsTask().GetAwaiter().GetResult();
            }
        }

        _channelChainProgress.WaitFor(_channelChainTarget += Events);
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "Engine 1P3C pipeline (a → b → c)")]
    public void EngineThreeStage()
    {
        Publish(_threeStage.RingBuffer, Events);
        _threeStageProgress.WaitFor(_threeStageTarget += Events);
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "Engine diamond (a → (b, c) → d)")]
    public void EngineDiamond()
    {
        Publish(_diamond.RingBuffer, Events);
        _diamondProgress.WaitFor(_diamondTarget += Events);
    }

    internal static void Publish(RingBuffer<ValueEvent> ring, long count)
    {
        for (long i = 0; i < count; i++)
        {
            long sequence = ring.Next();
            ring[sequence].Value = i;
            ring.Publish(sequence);
        }
    }

    internal static async Task Drain(ChannelReader<long> reader, ChannelWriter<long>? next, Progress? progress)
    {
        long count = 0;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out long value))
            {
                count++;
                if (next is not null && !next.TryWrite(value))
                {
                    await next.WriteAsync(value).ConfigureAwait(false);
                }
            }

            progress?.Set(count);
        }

        next?.Complete();
    }
}
