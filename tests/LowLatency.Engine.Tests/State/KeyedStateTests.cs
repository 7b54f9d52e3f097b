using LowLatency.Engine.State;
using LowLatency.Engine.Time;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.State;

public sealed class KeyedStateTests
{
    private struct Position
    {
        public long Quantity;
        public double Cost;
    }

    [Test]
    [CancelAfter(5_000)]
    public void GetOrAdd_UpdatesInPlaceByRef()
    {
        var state = new KeyedState<long, Position>(KeyedStateOptions.Default with { Capacity = 8 });
        ref Position p = ref state.GetOrAdd(5, 0, out StateAccess access);
        Assert.That(access, Is.EqualTo(StateAccess.Added));
        p.Quantity += 10;
        state.GetOrAdd(5, 1, out access).Quantity += 5;
        Assert.That(access, Is.EqualTo(StateAccess.Existing));
        Assert.That(state.TryGetValue(5, out Position value) && value.Quantity == 15, Is.True);
    }

    [Test]
    [CancelAfter(5_000)]
    public void GetOrAdd_WhenFull_RejectPolicyCountsAndWritesGoNowhere()
    {
        var state = new KeyedState<long, Position>(KeyedStateOptions.Default with { Capacity = 2 });
        state.GetOrAdd(1, 0, out _);
        state.GetOrAdd(2, 0, out _);
        state.GetOrAdd(3, 0, out StateAccess access).Quantity = 99;
        Assert.Multiple(() =>
        {
            Assert.That(access, Is.EqualTo(StateAccess.Rejected));
            Assert.That(state.Rejected, Is.EqualTo(1));
            Assert.That(state.TryGetValue(3, out _), Is.False);
            Assert.That(state.Count, Is.EqualTo(2));
        });

        var throwing = new KeyedState<long, Position>(KeyedStateOptions.Default with { Capacity = 1, WhenFull = TableFullPolicy.Throw });
        throwing.GetOrAdd(1, 0, out _);
        Assert.Throws<StateTableFullException>(() => throwing.GetOrAdd(2, 0, out _));
    }

    [Test]
    [CancelAfter(5_000)]
    public void EventTimeTtl_EntryNotUpdatedForTtlBehindWatermark_Expires()
    {
        var state = new KeyedState<long, Position>(KeyedStateOptions.Default with { Capacity = 16, EventTimeTtl = 100 });
        state.GetOrAdd(1, 1_000, out _);
        state.GetOrAdd(2, 1_000, out _);
        state.GetOrAdd(2, 1_050, out _); // refreshed
        Assert.That(state.OnWatermark(1_099), Is.Zero);
        Assert.That(state.OnWatermark(1_100), Is.EqualTo(1), "key 1: 1,000 + 100");
        Assert.That(state.TryGetValue(1, out _), Is.False);
        Assert.That(state.TryGetValue(2, out _), Is.True);
        Assert.That(state.OnWatermark(1_150), Is.EqualTo(1));
        Assert.That(state.Expired, Is.EqualTo(2));
    }

    [Test]
    [CancelAfter(5_000)]
    public void ProcessingTimeTtl_WithFakeClock_IdleEntriesExpire()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var clock = new ProcessingClock(time);
        var state = new KeyedState<long, Position>(KeyedStateOptions.Default with { Capacity = 16, ProcessingTimeTtl = TimeSpan.FromSeconds(10).Ticks * 100 });
        state.OnProcessingTime(clock.Now());
        state.GetOrAdd(1, 0, out _);
        state.GetOrAdd(2, 0, out _);
        time.Advance(TimeSpan.FromSeconds(6));
        state.OnProcessingTime(clock.Now());
        state.GetOrAdd(2, 0, out _);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.That(state.OnProcessingTime(clock.Now()), Is.EqualTo(1));
        Assert.That(state.TryGetValue(1, out _), Is.False);
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.That(state.OnProcessingTime(clock.Now()), Is.EqualTo(1));
        Assert.That(state.Count, Is.Zero);
    }

    [Test]
    [CancelAfter(5_000)]
    public void Snapshot_RoundTrip_KeepsValuesAndTtlClocks()
    {
        var a = new KeyedState<long, Position>(KeyedStateOptions.Default with { Capacity = 64, EventTimeTtl = 100 });
        for (long k = 0; k < 40; k++)
        {
            a.GetOrAdd(k, k * 10, out _).Quantity = k;
        }

        a.Remove(3);
        using var snapshot = new MemoryStream();
        a.WriteSnapshot(snapshot);
        snapshot.Position = 0;
        var b = new KeyedState<long, Position>(KeyedStateOptions.Default with { Capacity = 64, EventTimeTtl = 100 });
        b.RestoreSnapshot(snapshot);
        Assert.That(b.Count, Is.EqualTo(39));
        Assert.That(b.TryGetValue(17, out Position p) && p.Quantity == 17, Is.True);
        Assert.That(b.OnWatermark(300), Is.EqualTo(a.OnWatermark(300)));
        Assert.That(b.Count, Is.EqualTo(a.Count));

        var other = new KeyedState<long, Position>(KeyedStateOptions.Default with { Capacity = 64 });
        snapshot.Position = 0;
        Assert.Throws<SnapshotFormatException>(() => other.RestoreSnapshot(snapshot), "another TTL configuration");
    }

    [Test]
    [CancelAfter(10_000)]
    public void SteadyState_10000Keys_AllocatesNothing()
    {
        var state = new KeyedState<long, Position>(KeyedStateOptions.Default with { Capacity = 20_000, EventTimeTtl = 1_000 });
        void Round(long t)
        {
            for (long k = 0; k < 10_000; k++)
            {
                state.GetOrAdd(k + (t / 1000 % 2 * 10_000 / 2), t, out _).Quantity++;
            }

            state.OnWatermark(t);
        }

        for (int i = 0; i < 5; i++)
        {
            Round(i * 1_000);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 5; i < 20; i++)
        {
            Round(i * 1_000);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(state.Expired, Is.GreaterThan(0));
    }
}
