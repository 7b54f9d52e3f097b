using BenchmarkDotNet.Attributes;
using LowLatency.Engine.Windowing;

namespace LowLatency.Benchmarks.Windowing;

/// <summary>
/// The session operator at one churn and three working sets: each symbol trades every 50 ms on average (the gap), as in
/// the lab's <c>window-session</c> row, so about 37 % of events open a session whatever the number of symbols; only the
/// number of open sessions (and the memory they take) changes with <see cref="Keys"/>. A rate that stays level across
/// keys says the row's time goes to the work per session, not to cache misses. Trades up to 0.5 ms out of order, B = 1 ms.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class SessionKeysBenchmarks
{
    private const int Events = 1 << 21;
    private const long Gap = 50_000_000;

    private Trade[] _trades = null!;
    private SessionWindowOperator<Trade, long, VwapAccumulator, TradeVwap, ResultCounter> _session = null!;

    /// <summary>Symbols: 1,000 fit the core's L2 with room to spare, 40,000 take several times its size.</summary>
    [Params(1_000, 10_000, 40_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup() => _trades = TradeStream.Create(Events, Keys, step: Gap / Keys);

    [IterationSetup]
    public void CreateOperator() =>
        _session = new(WindowOptions.Session(Gap) with { Watermark = TradeStream.Watermark, Capacity = 4 * Keys, KeyCapacity = 12 * Keys / 10 });

    [Benchmark(OperationsPerInvoke = Events)]
    public long SessionVwap()
    {
        _session.OnBatch(_trades, 0, 0);
        _session.Drain();
        return _session.Sink.Results;
    }
}
