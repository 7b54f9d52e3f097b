using LowLatency.Engine.Journal;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

using Bar = LowLatency.Engine.Tests.Windowing.ReadmeExampleTests.Bar;
using BarFunction = LowLatency.Engine.Tests.Windowing.ReadmeExampleTests.BarFunction;
using Trade = LowLatency.Engine.Tests.Windowing.ReadmeExampleTests.Trade;

/// <summary>The README's journal example, compiled and run (the folder is a fresh temporary one here).</summary>
public sealed class JournalReadmeExampleTests
{
    public struct CountBars : IWindowSink<Trade, long, Bar>
    {
        public long Bars;

        public void OnResult(in WindowResult<long, Bar> result) => Bars++;

        public readonly void OnLate(in Trade e, LateReason reason, long watermark)
        {
        }

        public readonly void OnEndOfStream()
        {
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ReadmeExample_RecordsAndReplaysARange()
    {
        using var temp = new TempJournal();
        const int capacity = 1 << 14;
        const long second = 1_000_000_000;
        string folder = temp.Directory;

        var clock = new RecordedClock(capacity);
        var bars = new TimeWindowOperator<Trade, long, Bar, BarFunction, CountBars>(WindowOptions.Tumbling(second));
        using (var writer = JournalWriter<Trade, BlittableCodec<Trade>>.Open(folder, default, JournalOptions.Default with { Durability = JournalDurability.SyncPerBatch }))
        {
            await using var live = Pipeline<Trade>.Create(PipelineOptions.Default with { Capacity = capacity });
            live.HandleBatchesWith(new JournalStage<Trade, BlittableCodec<Trade>>(writer, new ProcessingClock(TimeProvider.System), clock))
                .Then(new RecordedClockWindowStage<Trade, TimeWindowOperator<Trade, long, Bar, BarFunction, CountBars>>(bars, clock));
            live.Start();
            for (int i = 0; i < 10_000; i++)
            {
                live.RingBuffer.Publish(new Trade { Ts = i * 1_000_000L, Symbol = i % 10, Price = 100 + (i % 7), Qty = 1 });
            }

            await live.DrainAsync();
        }

        var again = new TimeWindowOperator<Trade, long, Bar, BarFunction, CountBars>(WindowOptions.Tumbling(second));
        var replayClock = new RecordedClock(capacity);
        JournalReplayResult result;
        await using (var replay = Pipeline<Trade>.Create(PipelineOptions.Default with { Capacity = capacity }))
        {
            replay.HandleBatchesWith(new RecordedClockWindowStage<Trade, TimeWindowOperator<Trade, long, Bar, BarFunction, CountBars>>(again, replayClock));
            replay.Start();
            using (JournalReader reader = JournalReader.Open<Trade, BlittableCodec<Trade>>(folder, default))
            {
                result = JournalReplay.Run(reader, default(BlittableCodec<Trade>), replay.RingBuffer, replayClock,
                    JournalReplayOptions.Default with { FromPosition = 1_000, ToPosition = 5_000, Speed = 10 });
            }

            await replay.DrainAsync();
        }

        Assert.That((result.Events, result.FirstPosition, result.LastPosition), Is.EqualTo((4_001L, 1_000L, 5_000L)));
        Assert.That(bars.Sink.Bars, Is.EqualTo(10 * 10), "10 s of trades, 10 symbols");
        Assert.That(again.Sink.Bars, Is.EqualTo((4 * 10) + 1), "trades 1,000 … 5,000: seconds 1 to 4 for every symbol, and trade 5,000 (symbol 0) opens second 5");
    }

    [Test]
    [CancelAfter(30_000)]
    public void ReadmeCompressionExample_CompressesBehindTheWriter_ReadsBack()
    {
        using var temp = new TempJournal();
        string folder = temp.Directory;

        var options = JournalOptions.Default with { Compressor = Lz4SegmentCompressor.Instance };
        using (var writer = JournalWriter<Trade, BlittableCodec<Trade>>.Open(folder, default, options with { SegmentBytes = 64 << 10 }))
        {
            var trades = new Trade[100];
            for (int i = 0; i < 100; i++)
            {
                for (int k = 0; k < trades.Length; k++)
                {
                    trades[k] = new Trade { Ts = (i * 100) + k, Symbol = k % 5, Price = 10.0 + k, Qty = 1 };
                }

                writer.Append(trades, i);
            }

            Assert.That(writer.WaitForCompression(TimeSpan.FromSeconds(30)), Is.True);
            Assert.That(writer.Compression.Segments, Is.GreaterThan(0));
        }

        using JournalReader reader = JournalReader.Open<Trade, BlittableCodec<Trade>>(folder, default);
        long events = 0;
        while (reader.TryRead(out JournalRecord record))
        {
            events += record.Count;
        }

        Assert.That(events, Is.EqualTo(10_000));
        Assert.That(reader.Segments[0].Compression, Is.EqualTo("lz4"));
    }
}
