using LowLatency.Engine.Flow;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Testing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Flow;

/// <summary>
/// Overflow policies: deterministic ones on a ring gated by a poller the test drives, and slow-consumer
/// runs where a verifier counts what arrived and must match the source's counters exactly.
/// </summary>
public sealed class EventSourceTests
{
    private const int Capacity = 16;

    private static (Pipeline<Quote> Pipeline, EventPoller<Quote> Poller) GatedRing(int capacity = Capacity)
    {
        var pipeline = Pipeline<Quote>.Create(PipelineOptions.Default with { Capacity = capacity, WaitStrategy = WaitStrategyKind.Yielding });
        return (pipeline, pipeline.CreatePoller());
    }

    private static Quote QuoteOf(long offer, int keys = 1) => new() { Key = offer % keys, KeySequence = offer / keys, Offer = offer };

    private static long DrainPoller(EventPoller<Quote> poller, QuoteVerifier verifier)
    {
        var handler = new VerifyingHandler(verifier);
        while (poller.Poll(ref handler) == EventPoller<Quote>.PollState.Processing)
        {
        }

        return verifier.Arrived;
    }

    [Test]
    [CancelAfter(10_000)]
    public void TryOffer_RejectPolicyOnFullRing_ReturnsBackPressuredAndChangesNothing()
    {
        (Pipeline<Quote> pipeline, _) = GatedRing();
        using EventSource<Quote> source = pipeline.CreateSource(EventSourceOptions.Default with { Policy = OverflowPolicy.Reject });
        for (long i = 0; i < Capacity; i++)
        {
            Assert.That(source.TryOffer(QuoteOf(i)), Is.EqualTo(PublishResult.Ok));
        }

        long cursor = pipeline.RingBuffer.Cursor.ValueAcquire;
        Quote[] slots = Enumerable.Range(0, Capacity).Select(i => pipeline.RingBuffer[i]).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(source.TryOffer(QuoteOf(999)), Is.EqualTo(PublishResult.BackPressured));
            Assert.That(source.Offer(QuoteOf(998)), Is.EqualTo(PublishResult.BackPressured));
            Assert.That(pipeline.RingBuffer.Cursor.ValueAcquire, Is.EqualTo(cursor), "cursor");
            Assert.That(pipeline.RingBuffer.Occupancy, Is.EqualTo(Capacity), "occupancy");
            Assert.That(Enumerable.Range(0, Capacity).Select(i => pipeline.RingBuffer[i].Offer), Is.EqualTo(slots.Select(s => s.Offer)), "slots");
            Assert.That(source.GetDropped(DropReason.Rejected), Is.EqualTo(2));
            Assert.That(source.TotalDropped, Is.EqualTo(2));
            Assert.That(source.Published, Is.EqualTo(Capacity));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public void Offer_DropNewestOnFullRing_PublishesWhatFitsAndCountsTheRest()
    {
        (Pipeline<Quote> pipeline, EventPoller<Quote> poller) = GatedRing();
        using EventSource<Quote> source = pipeline.CreateSource(EventSourceOptions.Default with { Policy = OverflowPolicy.DropNewest });
        var results = new List<PublishResult>();
        for (long i = 0; i < 40; i++)
        {
            results.Add(source.Offer(QuoteOf(i)));
        }

        var verifier = new QuoteVerifier(1);
        DrainPoller(poller, verifier);
        Assert.Multiple(() =>
        {
            Assert.That(results.Take(Capacity), Is.All.EqualTo(PublishResult.Ok));
            Assert.That(results.Skip(Capacity), Is.All.EqualTo(PublishResult.Dropped));
            Assert.That(source.GetDropped(DropReason.Full), Is.EqualTo(40 - Capacity));
            Assert.That(verifier.Arrived, Is.EqualTo(source.Published).And.EqualTo(Capacity));
            Assert.That(verifier.LastByKey[0], Is.EqualTo(Capacity - 1), "the oldest were kept, the newest dropped");
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public void Offer_SampleWhilePaused_KeepsOneInNAndCountsTheRest()
    {
        (Pipeline<Quote> pipeline, EventPoller<Quote> poller) = GatedRing();
        using EventSource<Quote> source = pipeline.CreateSource(EventSourceOptions.Default with { Policy = OverflowPolicy.Sample, SampleEvery = 4 });
        Assert.That(source.HighMark, Is.EqualTo(12));

        for (long i = 0; i < 12; i++)
        {
            Assert.That(source.Offer(QuoteOf(i)), Is.EqualTo(PublishResult.Ok));
        }

        Assert.That(source.IsPaused, Is.True, "12 of 16 slots: at the high mark");

        // While paused, offers 4, 8, 12, 16 fill the 4 free slots; 20 … 40 are kept by sampling but find no room.
        var results = new List<PublishResult>();
        for (long i = 12; i < 52; i++)
        {
            results.Add(source.Offer(QuoteOf(i)));
        }

        var verifier = new QuoteVerifier(1);
        DrainPoller(poller, verifier);
        Assert.Multiple(() =>
        {
            Assert.That(results.Count(r => r == PublishResult.Ok), Is.EqualTo(4));
            Assert.That(source.GetDropped(DropReason.Sampled), Is.EqualTo(30));
            Assert.That(source.GetDropped(DropReason.Full), Is.EqualTo(6));
            Assert.That(verifier.Arrived, Is.EqualTo(source.Published).And.EqualTo(16));
            Assert.That(source.Published + source.TotalDropped, Is.EqualTo(52));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public void Offer_ConflateOnFullRing_KeepsNewestPerKeyAndPublishesItOnFlush()
    {
        (Pipeline<Quote> pipeline, EventPoller<Quote> poller) = GatedRing();
        using EventSource<Quote> source = pipeline.CreateSource(EventSourceOptions.Default with { Policy = OverflowPolicy.Conflate }, Quote.KeyOf);
        const int keys = 4;
        for (long i = 0; i < 36; i++)
        {
            Assert.That(source.Offer(QuoteOf(i, keys)), Is.EqualTo(PublishResult.Ok), $"offer {i}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(source.Published, Is.EqualTo(Capacity));
            Assert.That(source.Pending, Is.EqualTo(keys));
            Assert.That(source.GetDropped(DropReason.Conflated), Is.EqualTo(36 - Capacity - keys));
        });

        var verifier = new QuoteVerifier(keys);
        DrainPoller(poller, verifier);
        Assert.That(source.Flush(), Is.Zero, "room again: every held key is published");
        DrainPoller(poller, verifier);

        Assert.Multiple(() =>
        {
            Assert.That(verifier.Arrived, Is.EqualTo(source.Published).And.EqualTo(Capacity + keys));
            Assert.That(verifier.LastByKey, Is.EqualTo(new long[] { 8, 8, 8, 8 }), "the newest value of every key arrived");
            Assert.That(verifier.Reordered, Is.Zero);
            Assert.That(source.Published + source.TotalDropped, Is.EqualTo(36));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public void Offer_ConflateWithTableFull_DropsNewKeysAsFull()
    {
        (Pipeline<Quote> pipeline, _) = GatedRing();
        using EventSource<Quote> source = pipeline.CreateSource(
            EventSourceOptions.Default with { Policy = OverflowPolicy.Conflate, ConflationCapacity = 2 }, Quote.KeyOf);
        for (long i = 0; i < Capacity; i++)
        {
            source.Offer(QuoteOf(i, 4));
        }

        PublishResult[] results = [.. Enumerable.Range(Capacity, 4).Select(i => source.Offer(QuoteOf(i, 4)))];
        Assert.Multiple(() =>
        {
            Assert.That(results, Is.EqualTo(new[] { PublishResult.Ok, PublishResult.Ok, PublishResult.Dropped, PublishResult.Dropped }));
            Assert.That(source.Pending, Is.EqualTo(2));
            Assert.That(source.GetDropped(DropReason.Full), Is.EqualTo(2));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public void Offer_WaitWithTimeoutOnFullRing_ReturnsBackPressuredCountedAsTimedOut()
    {
        (Pipeline<Quote> pipeline, _) = GatedRing();
        using EventSource<Quote> source = pipeline.CreateSource(EventSourceOptions.Default with { WaitTimeout = TimeSpan.FromMilliseconds(20) });
        for (long i = 0; i < Capacity; i++)
        {
            source.Offer(QuoteOf(i));
        }

        Assert.Multiple(() =>
        {
            Assert.That(source.TryOffer(QuoteOf(100)), Is.EqualTo(PublishResult.BackPressured), "TryOffer under Wait");
            Assert.That(source.TotalDropped, Is.Zero, "TryOffer under Wait leaves the event with the caller: not counted");
            Assert.That(source.Offer(QuoteOf(101)), Is.EqualTo(PublishResult.BackPressured));
            Assert.That(source.GetDropped(DropReason.TimedOut), Is.EqualTo(1));
            Assert.That(source.BackPressuredTime, Is.GreaterThan(TimeSpan.Zero));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Offer_AfterPipelineClosed_ReturnsClosedAndCounts()
    {
        (Pipeline<Quote> pipeline, _) = GatedRing();
        using EventSource<Quote> source = pipeline.CreateSource(EventSourceOptions.Default with { Policy = OverflowPolicy.DropNewest });
        await pipeline.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(source.Offer(QuoteOf(0)), Is.EqualTo(PublishResult.Closed));
            Assert.That(source.TryOffer(QuoteOf(1)), Is.EqualTo(PublishResult.Closed));
            Assert.That(source.GetDropped(DropReason.Closed), Is.EqualTo(2));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public void Create_InvalidOptions_FailWithTheOptionNamed()
    {
        (Pipeline<Quote> pipeline, _) = GatedRing();
        Assert.Multiple(() =>
        {
            Assert.That(() => pipeline.CreateSource(EventSourceOptions.Default with { HighWatermark = 0 }),
                Throws.ArgumentException.With.Message.Contains("EventSourceOptions.HighWatermark"));
            Assert.That(() => pipeline.CreateSource(EventSourceOptions.Default with { LowWatermark = 0.9 }),
                Throws.ArgumentException.With.Message.Contains("EventSourceOptions.LowWatermark"));
            Assert.That(() => pipeline.CreateSource(EventSourceOptions.Default with { SampleEvery = 0 }),
                Throws.ArgumentException.With.Message.Contains("EventSourceOptions.SampleEvery"));
            Assert.That(() => pipeline.CreateSource(EventSourceOptions.Default with { Policy = OverflowPolicy.Conflate }),
                Throws.ArgumentException.With.Message.Contains("conflationKey"));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public void Create_SecondSourceOnSingleProducerRing_Throws()
    {
        (Pipeline<Quote> pipeline, _) = GatedRing();
        using EventSource<Quote> first = pipeline.CreateSource();
        Assert.That(() => pipeline.CreateSource(EventSourceOptions.Default with { Name = "second" }),
            Throws.InvalidOperationException.With.Message.Contains("ProducerType.Multi"));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Offer_WaitWithSlowConsumer_LosesNothingAndAllocatesNothing()
    {
        const int n = 20_000;
        var verifier = new QuoteVerifier(1) { SlowSpins = 40 };
        await using var pipeline = Pipeline<Quote>.Create(PipelineOptions.Default with { Capacity = 64, WaitStrategy = WaitStrategyKind.Yielding });
        pipeline.HandleEventsWith(new VerifyingHandler(verifier));
        pipeline.Start();
        using EventSource<Quote> source = pipeline.CreateSource();

        for (long i = 0; i < 1000; i++)
        {
            Assert.That(source.Offer(QuoteOf(i)), Is.EqualTo(PublishResult.Ok));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int notOk = 0;
        for (long i = 1000; i < n; i++)
        {
            notOk += source.Offer(QuoteOf(i)) == PublishResult.Ok ? 0 : 1;
        }

        long producerBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        await pipeline.DrainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(notOk, Is.Zero);
            Assert.That(verifier.Arrived, Is.EqualTo(n), "lost");
            Assert.That(verifier.Reordered, Is.Zero);
            Assert.That(source.TotalDropped, Is.Zero);
            Assert.That(source.Published, Is.EqualTo(n));
            Assert.That(producerBytes, Is.Zero, "memory stays at the ring: the waiting producer allocates nothing");
            Assert.That(source.BackPressuredTime, Is.GreaterThan(TimeSpan.Zero), "the consumer was slower");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Offer_TwoSourcesOnMultiProducerRing_EachCountsItsOwnDrops()
    {
        const int n = 20_000;
        var verifier = new QuoteVerifier(2) { SlowSpins = 50 };
        await using var pipeline = Pipeline<Quote>.Create(PipelineOptions.Default with
        {
            Capacity = 64,
            ProducerType = ProducerType.Multi,
            WaitStrategy = WaitStrategyKind.Yielding,
        });
        pipeline.HandleEventsWith(new VerifyingHandler(verifier));
        pipeline.Start();
        using EventSource<Quote> lossy = pipeline.CreateSource(EventSourceOptions.Default with { Name = "lossy", Policy = OverflowPolicy.DropNewest });
        using EventSource<Quote> lossless = pipeline.CreateSource(EventSourceOptions.Default with { Name = "lossless" });

        Task Produce(EventSource<Quote> source, int key) => Task.Run(() =>
        {
            for (long i = 0; i < n; i++)
            {
                source.Offer(new Quote { Key = key, KeySequence = i });
            }
        });

        await Task.WhenAll(Produce(lossy, 0), Produce(lossless, 1));
        await pipeline.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(lossless.Published, Is.EqualTo(n));
            Assert.That(lossless.TotalDropped, Is.Zero);
            Assert.That(lossy.Published + lossy.GetDropped(DropReason.Full), Is.EqualTo(n));
            Assert.That(verifier.Arrived, Is.EqualTo(lossy.Published + lossless.Published));
            Assert.That(verifier.LastByKey[1], Is.EqualTo(n - 1), "the lossless source's last event arrived");
            Assert.That(verifier.Reordered, Is.Zero);
        });
    }

    [TestCase(OverflowPolicy.DropNewest, 11)]
    [TestCase(OverflowPolicy.Sample, 12)]
    [TestCase(OverflowPolicy.Conflate, 13)]
    [TestCase(OverflowPolicy.Reject, 14)]
    [CancelAfter(30_000)]
    public async Task Offer_LossyPolicyWithSlowConsumer_DropsExactlyWhatItCounts(OverflowPolicy policy, int seed)
    {
        Random random = Seeds.Create(seed);
        const int n = 20_000;
        const int keys = 8;
        var verifier = new QuoteVerifier(keys) { SlowSpins = 100 };
        await using var pipeline = Pipeline<Quote>.Create(PipelineOptions.Default with { Capacity = 64, WaitStrategy = WaitStrategyKind.Yielding });
        pipeline.HandleEventsWith(new VerifyingHandler(verifier));
        pipeline.Start();
        using EventSource<Quote> source = pipeline.CreateSource(EventSourceOptions.Default with { Policy = policy, SampleEvery = 3 }, Quote.KeyOf);

        var lastOffered = new long[keys];
        var perKey = new long[keys];
        for (long i = 0; i < n; i++)
        {
            int key = random.Next(keys);
            var quote = new Quote { Key = key, KeySequence = perKey[key]++, Offer = i };
            source.Offer(quote);
            lastOffered[key] = quote.KeySequence;

            // A producer about as fast as the consumer on average, bursty: the ring fills and drains.
            Thread.SpinWait(random.Next(120));
        }

        while (source.Flush() > 0)
        {
            Assert.That(await source.WaitForCapacityAsync(), Is.True);
        }

        await pipeline.DrainAsync();
        TestContext.Out.WriteLine($"{policy}: published {source.Published}, dropped {source.TotalDropped} (full {source.GetDropped(DropReason.Full)}, sampled {source.GetDropped(DropReason.Sampled)}, conflated {source.GetDropped(DropReason.Conflated)}, rejected {source.GetDropped(DropReason.Rejected)})");
        Assert.Multiple(() =>
        {
            Assert.That(verifier.Arrived, Is.EqualTo(source.Published), "arrived = published");
            Assert.That(source.Published + source.TotalDropped, Is.EqualTo(n), "offered = published + dropped");
            Assert.That(source.TotalDropped, Is.GreaterThan(0), "the consumer was slow enough to shed load");
            Assert.That(verifier.Reordered, Is.Zero, "per-key order kept");
            if (policy == OverflowPolicy.Conflate)
            {
                Assert.That(verifier.LastByKey, Is.EqualTo(lastOffered), "the newest value of every key arrived");
                Assert.That(source.GetDropped(DropReason.Conflated), Is.EqualTo(source.TotalDropped));
            }
        });
    }
}
