using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using TradeWindows = Windows<ReadmeExampleTests.Trade, long, ReadmeExampleTests.Bar>;

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
                : $"{r.Key} [{r.Start}, {r.End}) v{r.Version} {r.Timing}{(r.IsFinal ? " final" : "")} after {(r.TriggerSequence == TriggerSequences.Drain ? "drain" : $"#{r.TriggerSequence}")} O={r.Value.Ohlc.Open} C={r.Value.Ohlc.Close} VWAP={r.Value.Vwap.Vwap}");
    }

    public struct PrintLate(Printed printed) : IEventHandler<LateEvent<Trade>>
    {
        public readonly void OnEvent(ref LateEvent<Trade> late, long sequence, bool endOfBatch) =>
            printed.Lines.Add($"late {late.Reason}: ts={late.Event.Ts} (watermark {late.Watermark})");
    }

    /// <summary>A sink of your own: any struct implementing <see cref="IWindowSink{TEvent, TKey, TAcc}"/>, here counting.</summary>
    public struct CountingSink : IWindowSink<Trade, long, Bar>
    {
        public long Results;
        public long Late;
        public bool Ended;

        public void OnResult(in WindowResult<long, Bar> result) => Results++;

        public void OnLate(in Trade e, LateReason reason, long watermark) => Late++;

        public void OnEndOfStream() => Ended = true;
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ReadmeExample_RunsAndPrintsBars()
    {
        var printed = new Printed();
        var printedLate = new Printed();

        // Results and late trades flow on as events, into pipelines of their own.
        await using var bars = Pipeline<WindowResult<long, Bar>>.Create(PipelineOptions.Default with { WaitStrategy = WaitStrategyKind.Blocking });
        bars.HandleEventsWith(new PrintBars(printed));
        bars.Start();
        await using var late = Pipeline<LateEvent<Trade>>.Create(PipelineOptions.Default with { WaitStrategy = WaitStrategyKind.Blocking });
        late.HandleEventsWith(new PrintLate(printedLate));
        late.Start();

        // Per-symbol 1 s tumbling OHLC + VWAP, events up to 5 ms out of order, timestamps in ns.
        const long ns = ProcessingClock.TicksPerSecondNanoseconds;
        var op = TradeWindows.Time(
            WindowOptions.Tumbling(TimeSpan.FromSeconds(1), ns) with
            {
                Watermark = new WatermarkOptions { OutOfOrderness = WindowOptions.Ticks(TimeSpan.FromMilliseconds(5), ns) },
                Capacity = 1 << 16,     // live (symbol, window) entries, allocated once
                KeyCapacity = 1 << 14,  // live symbols
            },
            new BarFunction(),
            new RingWindowSink<Trade, long, Bar>(bars.RingBuffer, late.RingBuffer));

        // The window stage: processing time from the injected clock, once per batch; drain fires everything.
        await using var trades = Pipeline<Trade>.Create(PipelineOptions.Default with { WaitStrategy = WaitStrategyKind.Blocking });
        trades.HandleBatchesWith(TradeWindows.Stage(op, new ProcessingClock(TimeProvider.System))); // spans of the ring: keys' state loaded ahead
        trades.Start();

        trades.RingBuffer.Publish(new Trade { Ts = 100, Symbol = 1, Price = 10, Qty = 1 });
        trades.RingBuffer.Publish(new Trade { Ts = 200, Symbol = 1, Price = 12, Qty = 3 });
        trades.RingBuffer.Publish(new Trade { Ts = ns + 10_000_000, Symbol = 1, Price = 11, Qty = 1 }); // W passes 1 s − 1: [0, 1 s) fires
        trades.RingBuffer.Publish(new Trade { Ts = 300, Symbol = 1, Price = 9, Qty = 1 });              // its window is closed: late output

        await trades.DrainAsync(); // watermark +∞: [1 s, 2 s) fires final, then the end marker
        await bars.DrainAsync();
        await late.DrainAsync();

        Assert.That(printed.Lines, Is.EqualTo(new[]
        {
            "1 [0, 1000000000) v1 OnTime final after #2 O=10 C=12 VWAP=11.5",
            "1 [1000000000, 2000000000) v1 OnTime final after drain O=11 C=11 VWAP=11",
            "end",
        }));
        Assert.That(printedLate.Lines, Is.EqualTo(new[] { "late WindowClosed: ts=300 (watermark 1004999999)" }));
        Assert.That(op.Counters.LateDropped, Is.EqualTo(1));
    }

    [Test]
    [CancelAfter(5_000)]
    public void ReadmeExample_OwnSink_CountsResultsAndLateEvents()
    {
        var op = TradeWindows.Session(WindowOptions.Session(TimeSpan.FromMilliseconds(50), ProcessingClock.TicksPerSecondNanoseconds), new BarFunction(), new CountingSink());
        foreach (long ts in new long[] { 0, 10_000_000, 200_000_000, 5_000_000 })
        {
            var t = new Trade { Ts = ts, Symbol = 7, Price = 1, Qty = 1 };
            op.OnEvent(ref t);
        }

        op.Drain();
        Assert.That((op.Sink.Results, op.Sink.Late, op.Sink.Ended), Is.EqualTo((2L, 1L, true)));
    }
}
