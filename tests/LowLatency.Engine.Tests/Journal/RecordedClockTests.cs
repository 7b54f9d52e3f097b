using LowLatency.Engine.Journal;
using LowLatency.Engine.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

/// <summary>The recorded clock's slots and runs, and how the batch stage cuts a batch by them.</summary>
public sealed class RecordedClockTests
{
    [Test]
    public void Set_AcrossTheRingsEnd_EverySlotReadsItsReadingAndRunEnd()
    {
        var clock = new RecordedClock(8);
        clock.Set(5, 6, 42);    // slots 5, 6, 7, 0, 1, 2
        clock.Set(11, 2, 43);   // slots 3, 4

        for (long s = 5; s <= 10; s++)
        {
            Assert.That((clock[s], clock.RunEnd(s)), Is.EqualTo((42L, 10L)), $"sequence {s}");
        }

        for (long s = 11; s <= 12; s++)
        {
            Assert.That((clock[s], clock.RunEnd(s)), Is.EqualTo((43L, 12L)), $"sequence {s}");
        }
    }

    [Test]
    public void OnBatch_RunsAndBatchEdges_OneOperatorCallPerRunInTheBatch()
    {
        var clock = new RecordedClock(16);
        clock.Set(0, 3, 10);
        clock.Set(3, 2, 10);    // the same reading in a second run: told once, handed over as its own run
        clock.Set(5, 4, 11);
        var op = new RecordingOperator();
        var stage = new RecordedClockWindowStage<long, RecordingOperator>(op, clock);
        long[] events = [0, 1, 2, 3, 4, 5, 6, 7, 8];

        stage.OnBatch(events.AsSpan(1, 5), 1);  // starts and ends inside runs
        stage.OnBatch(events.AsSpan(6, 3), 6);

        Assert.That(op.Calls, Is.EqualTo(new[] { "time 10", "batch 1..2", "batch 3..4", "time 11", "batch 5..5", "batch 6..8" }));
    }

    [Test]
    public void OnBatch_ClockNobodySets_OneRunOfItsReading()
    {
        // A replay without a clock into a clocked stage: the slots keep their initial reading and run end (0).
        var op = new RecordingOperator();
        var stage = new RecordedClockWindowStage<long, RecordingOperator>(op, new RecordedClock(16));
        long[] events = [3, 4, 5, 6];

        stage.OnBatch(events, 3);

        Assert.That(op.Calls, Is.EqualTo(new[] { "time 0", "batch 3..6" }));
    }

    /// <summary>Writes down what the stage tells it.</summary>
    private sealed class RecordingOperator : IWindowOperator<long>
    {
        public List<string> Calls { get; } = [];

        public long Watermark => long.MinValue;

        public WindowCounters Counters => default;

        public void OnEvent(ref long e) => Calls.Add($"event {e}");

        public void OnEvent(ref long e, int input) => OnEvent(ref e);

        public void OnEvent(ref long e, int input, long sequence) => OnEvent(ref e);

        public void OnBatch(Span<long> batch, int input, long firstSequence) => OnBatch(batch, input);

        public void OnBatch(Span<long> batch, int input) => Calls.Add($"batch {batch[0]}..{batch[^1]}");

        public void OnWatermark(long watermark, int input = 0) => Calls.Add($"watermark {watermark}");

        public void MarkIdle(int input) => Calls.Add($"idle {input}");

        public void OnProcessingTime(long now) => Calls.Add($"time {now}");

        public void Drain() => Calls.Add("drain");

        public void WriteSnapshot(Stream destination) => throw new NotSupportedException();

        public void RestoreSnapshot(Stream source) => throw new NotSupportedException();
    }
}
