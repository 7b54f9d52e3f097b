using LowLatency.Engine.State;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using Sink = CollectingSink<TestTrade, long, TradeBar>;
using SessionOp = SessionWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using TimeOp = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;

/// <summary>A truncated, bit-flipped, foreign-version or foreign-operator snapshot is refused with a clear error.</summary>
public sealed class SnapshotRefusalTests
{
    private static readonly WindowOptions s_options = WindowOptions.Hopping(40, 10) with { AllowedLateness = 15, Watermark = new WatermarkOptions { OutOfOrderness = 7 }, Capacity = 1024 };

    private static byte[] TakeSnapshot()
    {
        var collector = new Collector();
        var op = new TimeOp(s_options, default, new Sink(collector));
        WindowDriver.Run(op, collector, ScriptGenerator.Create(3, 300, 5, 3, 12), 0, 250);
        using var stream = new MemoryStream();
        op.WriteSnapshot(stream);
        return stream.ToArray();
    }

    private static TimeOp Fresh() => new(s_options, default, new Sink(new Collector()));

    [Test]
    [CancelAfter(10_000)]
    public void Restore_ValidSnapshot_Succeeds()
    {
        byte[] snapshot = TakeSnapshot();
        TimeOp op = Fresh();
        op.RestoreSnapshot(new MemoryStream(snapshot));
        Assert.That(op.LiveEntries, Is.GreaterThan(0));
    }

    [Test]
    [CancelAfter(10_000)]
    public void Restore_TruncatedAnywhere_Refused()
    {
        byte[] snapshot = TakeSnapshot();
        for (int length = 0; length < snapshot.Length; length += Math.Max(1, snapshot.Length / 97))
        {
            var ex = Assert.Throws<SnapshotFormatException>(() => Fresh().RestoreSnapshot(new MemoryStream(snapshot, 0, length)), $"length {length}");
            Assert.That(ex!.Message, Does.Contain("truncated").Or.Contain("corrupt").Or.Contain("magic"), $"length {length}");
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public void Restore_AnySingleBitFlipped_Refused()
    {
        byte[] snapshot = TakeSnapshot();
        var random = new Random(12345);
        for (int i = 0; i < 400; i++)
        {
            byte[] copy = (byte[])snapshot.Clone();
            int position = i < snapshot.Length && i < 64 ? i : random.Next(snapshot.Length);
            int bit = random.Next(8);
            copy[position] ^= (byte)(1 << bit);
            Assert.Throws<SnapshotFormatException>(() => Fresh().RestoreSnapshot(new MemoryStream(copy)), $"seed 12345: byte {position} bit {bit}");
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public void Restore_ForeignFormatVersion_RefusedNamingTheVersion()
    {
        byte[] snapshot = TakeSnapshot();
        snapshot[4] = 99;
        var ex = Assert.Throws<SnapshotFormatException>(() => Fresh().RestoreSnapshot(new MemoryStream(snapshot)));
        Assert.That(ex!.Message, Does.Contain("version 99"));
    }

    [Test]
    [CancelAfter(10_000)]
    public void Restore_SnapshotOfAnotherOperatorOrConfiguration_Refused()
    {
        var session = new SessionOp(WindowOptions.Session(5), default, new Sink(new Collector()));
        using var stream = new MemoryStream();
        session.WriteSnapshot(stream);
        var ex = Assert.Throws<SnapshotFormatException>(() => Fresh().RestoreSnapshot(new MemoryStream(stream.ToArray())));
        Assert.That(ex!.Message, Does.Contain("another operator"));

        var otherSize = new TimeOp(s_options with { Size = 80 }, default, new Sink(new Collector()));
        Assert.Throws<SnapshotFormatException>(() => otherSize.RestoreSnapshot(new MemoryStream(TakeSnapshot())));
    }

    [Test]
    [CancelAfter(10_000)]
    public void Restore_NotASnapshot_RefusedNamingTheMagic()
    {
        var ex = Assert.Throws<SnapshotFormatException>(() => Fresh().RestoreSnapshot(new MemoryStream("hello world, not a snapshot"u8.ToArray())));
        Assert.That(ex!.Message, Does.Contain("magic"));
    }
}
