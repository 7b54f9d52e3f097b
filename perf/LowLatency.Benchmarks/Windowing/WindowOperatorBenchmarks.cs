using BenchmarkDotNet.Attributes;
using LowLatency.Engine.Windowing;

namespace LowLatency.Benchmarks.Windowing;

/// <summary>
/// Window operators driven directly on one thread over 10,000 symbols: one trade every 5 µs of event time,
/// up to 0.5 ms out of order (B = 1 ms). Each operation is one event; an invocation replays
/// <see cref="Events"/> pre-generated trades through a fresh operator and drains it.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class WindowOperatorBenchmarks
{
    private const int Events = 1 << 21;
    private const int Keys = 10_000;
    private const long Second = TradeStream.Second;

    private Trade[] _trades = null!;
    private TimeWindowOperator<Trade, long, VwapAccumulator, TradeVwap, ResultCounter> _tumbling = null!;
    private TimeWindowOperator<Trade, long, VwapAccumulator, TradeVwap, ResultCounter> _hopping = null!;
    private SessionWindowOperator<Trade, long, VwapAccumulator, TradeVwap, ResultCounter> _session = null!;

    [GlobalSetup]
    public void Setup() => _trades = TradeStream.Create(Events, Keys, step: 5_000);

    [IterationSetup]
    public void CreateOperators()
    {
        _tumbling = new(WindowOptions.Tumbling(Second) with { Watermark = TradeStream.Watermark, Capacity = 3 * Keys, KeyCapacity = 12 * Keys / 10 });
        _hopping = new(WindowOptions.Hopping(10 * Second, Second) with { Watermark = TradeStream.Watermark, Capacity = 12 * Keys, KeyCapacity = 12 * Keys / 10 });
        _session = new(WindowOptions.Session(50_000_000) with { Watermark = TradeStream.Watermark, Capacity = 4 * Keys });
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public long TumblingVwap() => Run(_tumbling);

    [Benchmark(OperationsPerInvoke = Events)]
    public long HoppingVwap10() => Run(_hopping);

    [Benchmark(OperationsPerInvoke = Events)]
    public long SessionVwap()
    {
        Trade[] trades = _trades;
        for (int i = 0; i < trades.Length; i++)
        {
            _session.OnEvent(ref trades[i]);
        }

        _session.Drain();
        return _session.Sink.Results;
    }

    private long Run(TimeWindowOperator<Trade, long, VwapAccumulator, TradeVwap, ResultCounter> op)
    {
        Trade[] trades = _trades;
        for (int i = 0; i < trades.Length; i++)
        {
            op.OnEvent(ref trades[i]);
        }

        op.Drain();
        return op.Sink.Results;
    }
}
