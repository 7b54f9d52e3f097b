using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using LowLatency.Engine;
using LowLatency.Engine.Pipelines;

namespace LowLatency.Benchmarks.Engine;

/// <summary>2P1C and 3P1C: producers on their own threads into a multi-producer ring, next to a multi-writer Channel.</summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class ManyToOneBenchmarks
{
    private const int Events = 1_200_000;

    private Pipeline<ValueEvent> _pipeline = null!;
    private readonly Progress _progress = new();
    private readonly Progress _channelProgress = new();
    private Channel<long> _channel = null!;
    private Task _channelConsumer = null!;
    private long _target;
    private long _channelTarget;

    [Params(2, 3)]
    public int Producers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pipeline = Pipeline<ValueEvent>.Create(PipelineOptions.Default with
        {
            Capacity = 1 << 16,
            ProducerType = ProducerType.Multi,
            WaitStrategy = WaitStrategyKind.Yielding,
        });
        _pipeline.HandleEventsWith(new CountingHandler(_progress));
        _pipeline.Start();
        _channel = System.Threading.Channels.Channel.CreateBounded<long>(new BoundedChannelOptions(1 << 16) { SingleReader = true });
        _channelConsumer = Task.Run(() => ThroughputBenchmarks.Drain(_channel.Reader, null, _channelProgress));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline.DrainAsync().GetAwaiter().GetResult();
        _channel.Writer.Complete();
        _channelConsumer.GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Events, Baseline = true, Description = "Channel NP1C (multi-writer, async consumer)")]
    public void Channel()
    {
        ChannelWriter<long> writer = _channel.Writer;
        RunProducers(() =>
        {
            for (long i = 0; i < Events / Producers; i++)
            {
                if (!writer.TryWrite(i))
                {
                    writer.WriteAsync(i).AsTask().GetAwaiter().GetResult();
                }
            }
        });
        _channelProgress.WaitFor(_channelTarget += Events / Producers * Producers);
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "Engine NP1C (multi-producer ring)")]
    public void Engine()
    {
        RingBuffer<ValueEvent> ring = _pipeline.RingBuffer;
        RunProducers(() => ThroughputBenchmarks.Publish(ring, Events / Producers));
        _progress.WaitFor(_target += Events / Producers * Producers);
    }

    private void RunProducers(ThreadStart body)
    {
        var threads = new Thread[Producers];
        for (int p = 0; p < Producers; p++)
        {
            threads[p] = new Thread(body);
            threads[p].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }
    }
}
