using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

/// <summary>The README's window example, compiled and run, so it cannot rot.</summary>
public sealed class ReadmeExampleTests
{
    public struct Trade
    {
        public long Ts;        // event time, ns
        public long Symbol;
        public double Price;
        public double Qty;
    }

    public struct Bar
    {
        public OhlcAccumulator Ohlc;
        public VwapAccumulator Vwap;
    }

    public struct BarFunction : IWindowFunction<Trade, long, Bar>
    {
        public readonly long GetTimestamp(in Trade e) => e.Ts;

        public readonly long GetKey(in Trade e) => e.Symbol;

        public readonly void Add(ref Bar acc, in Trade e)
        {
            acc.Ohlc.Add(e.Ts, e.Price);
            acc.Vwap.Add(e.Price, e.Qty);
        }

        public readonly void Merge(ref Bar target, in Bar source)
        {
            target.Ohlc.Merge(in source.Ohlc);
            target.Vwap.Merge(in source.Vwap);
        }
    }

    public sealed class Printed
    {
        public List<string> Lines { get; } = new();
    }

    public struct PrintBars(Printed printed) : IEventHandler<WindowResult<long, Bar>>
    {
        public readonly void OnEvent(ref WindowResult<long, Bar> r, long sequence, bool endOfBatch) =>
            printed.Lines.Add(r.IsEndOfStream
                ? "end"
                : $"{r.Key} [{r.Start}, {r.End}) v{r.Version}{(r.IsFinal ? " final" : "")} O={r.Value.Ohlc.Open} C={r.Value.Ohlc.Close} VWAP={r.Value.Vwap.Vwap}");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ReadmeExample_RunsAndPrintsBars()
    {
        var printed = new Printed();

        // Results flow on as events: a downstream pipeline of WindowResult<long, Bar>.
        await using var bars = Pipeline<WindowResult<long, Bar>>.Create(PipelineOptions.Default with { WaitStrategy = WaitStrategyKind.Blocking });
        bars.HandleEventsWith(new PrintBars(printed));
        bars.Start();

        // Per-symbol 1 s tumbling OHLC + VWAP, events up to 5 ms out of order.
        const long second = 1_000_000_000;
        var op = new TimeWindowOperator<Trade, long, Bar, BarFunction, RingWindowSink<Trade, long, Bar>>(
            WindowOptions.Tumbling(second) with
            {
                Watermark = new WatermarkOptions { OutOfOrderness = 5_000_000 },
                Capacity = 1 << 16,     // live (symbol, window) entries, allocated once
                KeyCapacity = 1 << 14,  // live symbols
            },
            default,
            new RingWindowSink<Trade, long, Bar>(bars));

        // The window stage: processing time from the injected clock, once per batch; drain fires everything.
        await using var trades = Pipeline<Trade>.Create(PipelineOptions.Default with { WaitStrategy = WaitStrategyKind.Blocking });
        trades.HandleEventsWith(new WindowStage<Trade, TimeWindowOperator<Trade, long, Bar, BarFunction, RingWindowSink<Trade, long, Bar>>>(
            op, new ProcessingClock(TimeProvider.System)));
        trades.Start();

        trades.RingBuffer.Publish(new Trade { Ts = 100, Symbol = 1, Price = 10, Qty = 1 });
        trades.RingBuffer.Publish(new Trade { Ts = 200, Symbol = 1, Price = 12, Qty = 3 });
        trades.RingBuffer.Publish(new Trade { Ts = second + 10_000_000, Symbol = 1, Price = 11, Qty = 1 }); // W passes 1 s − 1: [0, 1 s) fires

        await trades.DrainAsync(); // watermark +∞: [1 s, 2 s) fires final, then the end marker
        await bars.DrainAsync();

        Assert.That(printed.Lines, Is.EqualTo(new[]
        {
            "1 [0, 1000000000) v1 final O=10 C=12 VWAP=11.5",
            "1 [1000000000, 2000000000) v1 final O=11 C=11 VWAP=11",
            "end",
        }));
        Assert.That(op.LateDropped, Is.Zero);
    }
}
