using System.Diagnostics;
using Confluent.Kafka;
using LowLatency.Adapters.Kafka;
using LowLatency.Testing.Kafka;

namespace LowLatency.Lab.Kafka;

/// <summary>
/// The demo's feed into Kafka: whole rounds of one tick per instrument (instrument k's round r is
/// <c>Seq = r</c>, <c>Time = 10 r</c>, to partition <c>k % partitions</c>), paced at a rate, until the
/// duration ends, Ctrl+C, or the worker fails. Whole rounds keep the check exact: every instrument has
/// ticks 1..<see cref="Rounds"/>. Every wait on the cluster is bounded by the broker timeout.
/// </summary>
internal sealed class KafkaTickFeed(string servers, string topic, int partitions, int symbols, TimeSpan brokerTimeout)
{
    private long _fed;
    private long _rounds;
    private Error? _deliveryError;
    private bool _disposeStuck;

    /// <summary>Ticks acknowledged-or-in-flight so far (read by the progress line).</summary>
    public long Fed => Volatile.Read(ref _fed);

    /// <summary>Complete rounds produced and acknowledged: ticks per instrument.</summary>
    public long Rounds => Volatile.Read(ref _rounds);

    /// <summary>Feeds; returns null, or one line saying why it stopped early (delivery failed, worker failed).</summary>
    public string? Run(long rate, TimeSpan duration, Func<string?> workerFailure, CancellationToken cancellationToken)
    {
        IProducer<Null, byte[]> producer = TickFeed.CreateProducer(servers, brokerTimeout);
        try
        {
            return Feed(producer, rate, duration, workerFailure, cancellationToken);
        }
        finally
        {
            // A feed was once held for a minute past its last acknowledgement (in its flush or here); after Ctrl+C
            // the lab's 2 s budget applies.
            TimeSpan bound = cancellationToken.IsCancellationRequested ? TimeSpan.FromSeconds(1) : brokerTimeout;
            if (!KafkaClientTeardown.TryRun(producer.Dispose, bound, "tick-feed/dispose"))
            {
                Volatile.Write(ref _disposeStuck, true);
            }
        }
    }

    /// <summary>True when the feed's producer was abandoned because librdkafka's destroy did not return within its bound.</summary>
    public bool DisposeStuck => Volatile.Read(ref _disposeStuck);

    private string? Feed(IProducer<Null, byte[]> producer, long rate, TimeSpan duration, Func<string?> workerFailure, CancellationToken cancellationToken)
    {
        Action<DeliveryReport<Null, byte[]>> onDelivery = report =>
        {
            if (report.Error.IsError)
            {
                Interlocked.CompareExchange(ref _deliveryError, report.Error, null);
            }
        };

        TopicPartition[] partitionOf = TickFeed.PartitionsOf(topic, partitions);

        var random = new Random(1);
        long start = Stopwatch.GetTimestamp();
        long endTicks = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long round = 0;
        while (Stopwatch.GetTimestamp() < endTicks && !cancellationToken.IsCancellationRequested && _deliveryError is null && workerFailure() is null)
        {
            round++;
            for (int key = 0; key < symbols; key++)
            {
                var tick = new Tick { Key = key, Seq = round, Time = round * 10, Price = random.Next(1, 1000) };
                TickFeed.ProduceOne(producer, partitionOf[key % partitions], in tick, onDelivery);
                Volatile.Write(ref _fed, _fed + 1);
            }

            Pace(rate, start, _fed, endTicks, cancellationToken);
        }

        // A record not delivered within the broker timeout fails and is reported below; the flush itself is bounded
        // too (by the broker timeout and a margin: librdkafka counts more than records in its queue), and after
        // Ctrl+C it takes at most half a second more (the lab's budget to stop is 2 s).
        long flushStart = Stopwatch.GetTimestamp();
        int left;
        while ((left = producer.Flush(TimeSpan.FromMilliseconds(100))) > 0)
        {
            if (cancellationToken.IsCancellationRequested && Stopwatch.GetElapsedTime(flushStart) > TimeSpan.FromMilliseconds(500))
            {
                break;
            }

            if (Stopwatch.GetElapsedTime(flushStart) > brokerTimeout + TimeSpan.FromSeconds(5))
            {
                return $"the feed's producer still had {left} record(s) or event(s) queued {brokerTimeout.TotalSeconds + 5:0.#} s after the last tick ('{topic}' at {servers})";
            }
        }

        if (_deliveryError is { } error)
        {
            return $"the feed's ticks were not delivered to '{topic}' at {servers}: {error.Code} {error.Reason}";
        }

        Volatile.Write(ref _rounds, round);
        return workerFailure();
    }

    /// <summary>Open-loop pacing: sleep until the schedule has caught up with what was sent (the 1 ms granularity is fine at round size).</summary>
    private static void Pace(long rate, long start, long sent, long endTicks, CancellationToken cancellationToken)
    {
        if (rate <= 0)
        {
            return;
        }

        // Until the next tick is due, but never past the run's end, which a slow round (a loaded box) may already have
        // passed: a negative wait would throw.
        long until = Math.Min(start + (long)((double)sent / rate * Stopwatch.Frequency), endTicks);
        long now = Stopwatch.GetTimestamp();
        if (until > now)
        {
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds((double)(until - now) / Stopwatch.Frequency));
        }
    }
}
