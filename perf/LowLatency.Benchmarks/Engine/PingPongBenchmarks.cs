using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using LowLatency.Engine;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Sequencing;
using LowLatency.Engine.Waiting;

namespace LowLatency.Benchmarks.Engine;

/// <summary>
/// Round trip of one event: the benchmark thread publishes a ping, an echo stage publishes it back on a
/// return ring, the benchmark thread spins until it sees it. Two threads in all (so even busy-spin fits
/// two cores). Mean round trip per operation; the lab's <c>latency</c> command gives percentiles.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class PingPongBenchmarks
{
    private const int RoundTrips = 20_000;

    private Pipeline<ValueEvent> _ping = null!;
    private RingBuffer<ValueEvent> _pong = null!;
    private Sequence _pongRead = null!;
    private Channel<long> _channelPing = null!;
    private Channel<long> _channelPong = null!;
    private Task _channelEcho = null!;

    [GlobalSetup(Target = nameof(EngineBusySpin))]
    public void SetupBusySpin() => SetupEngine(WaitStrategyKind.BusySpin);

    [GlobalSetup(Target = nameof(EngineYielding))]
    public void SetupYielding() => SetupEngine(WaitStrategyKind.Yielding);

    [GlobalSetup(Target = nameof(EngineHybrid))]
    public void SetupHybrid() => SetupEngine(WaitStrategyKind.Hybrid);

    [GlobalSetup(Target = nameof(EngineBlocking))]
    public void SetupBlocking() => SetupEngine(WaitStrategyKind.Blocking);

    [GlobalCleanup(Targets = [nameof(EngineBusySpin), nameof(EngineYielding), nameof(EngineHybrid), nameof(EngineBlocking)])]
    public void CleanupEngine() => _ping.StopAsync().GetAwaiter().GetResult();

    [GlobalSetup(Target = nameof(Channel))]
    public void SetupChannel()
    {
        _channelPing = System.Threading.Channels.Channel.CreateBounded<long>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
        _channelPong = System.Threading.Channels.Channel.CreateBounded<long>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
        _channelEcho = Task.Run(async () =>
        {
            await foreach (long value in _channelPing.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                _channelPong.Writer.TryWrite(value);
            }
        });
    }

    [GlobalCleanup(Target = nameof(Channel))]
    public void CleanupChannel()
    {
        _channelPing.Writer.Complete();
        _channelEcho.GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = RoundTrips, Baseline = true, Description = "Channel round trip (async echo)")]
    public void Channel()
    {
        for (long i = 0; i < RoundTrips; i++)
        {
            _channelPing.Writer.TryWrite(i);
            long value;
            while (!_channelPong.Reader.TryRead(out value))
            {
                Thread.SpinWait(1);
            }
        }
    }

    [Benchmark(OperationsPerInvoke = RoundTrips, Description = "Engine round trip, busy-spin")]
    public void EngineBusySpin() => RoundTrip();

    [Benchmark(OperationsPerInvoke = RoundTrips, Description = "Engine round trip, yielding")]
    public void EngineYielding() => RoundTrip();

    [Benchmark(OperationsPerInvoke = RoundTrips, Description = "Engine round trip, hybrid")]
    public void EngineHybrid() => RoundTrip();

    [Benchmark(OperationsPerInvoke = RoundTrips, Description = "Engine round trip, blocking")]
    public void EngineBlocking() => RoundTrip();

    private void RoundTrip()
    {
        RingBuffer<ValueEvent> ping = _ping.RingBuffer;
        RingBuffer<ValueEvent> pong = _pong;
        Sequence read = _pongRead;
        for (long i = 0; i < RoundTrips; i++)
        {
            long sequence = ping.Next();
            ping[sequence].Value = i;
            ping.Publish(sequence);

            long expected = read.ValueRelaxed + 1;
            while (pong.Cursor.ValueAcquire < expected)
            {
            }

            read.SetRelease(expected);
        }
    }

    private void SetupEngine(WaitStrategyKind wait)
    {
        _pong = RingBuffer<ValueEvent>.CreateSingleProducer(1024, BusySpinWaitStrategy.Instance);
        _pongRead = new Sequence();
        _pong.Sequencer.SetGatingSequences(_pongRead);
        _ping = Pipeline<ValueEvent>.Create(PipelineOptions.Default with { Capacity = 1024, WaitStrategy = wait });
        _ping.HandleEventsWith(new Echo(_pong));
        _ping.Start();
    }

    private readonly struct Echo(RingBuffer<ValueEvent> pong) : IEventHandler<ValueEvent>
    {
        public void OnEvent(ref ValueEvent data, long sequence, bool endOfBatch) => pong.Publish(data);
    }
}
