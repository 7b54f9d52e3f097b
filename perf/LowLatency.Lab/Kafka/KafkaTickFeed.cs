using System.Diagnostics;
using Confluent.Kafka;
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

    /// <summary>Ticks acknowledged-or-in-flight so far (read by the progress line).</summary>
    public long Fed => Volatile.Read(ref _fed);

    /// <summary>Complete rounds produced and acknowledged: ticks per instrument.</summary>
    public long Rounds => Volatile.Read(ref _rounds);

    /// <summary>Feeds; returns null, or one line saying why it stopped early (delivery failed, worker failed).</summary>
    public string? Run(long rate, TimeSpan duration, Func<string?> workerFailure, CancellationToken cancellationToken)
    {
        using IProducer<Null, byte[]> producer = TickFeed.CreateProducer(servers, brokerTimeout);
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

        // Bounded: a record not delivered within the broker timeout fails and is reported below; after
        // Ctrl+C at most half a second more (the lab's budget to stop is 2 s).
        long flushStart = Stopwatch.GetTimestamp();
        while (producer.Flush(TimeSpan.FromMilliseconds(100)) > 0)
        {
            if (cancellationToken.IsCancellationRequested && Stopwatch.GetElapsedTime(flushStart) > TimeSpan.FromMilliseconds(500))
            {
                break;
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

        long due = start + (long)((double)sent / rate * Stopwatch.Frequency);
        long now = Stopwatch.GetTimestamp();
        if (due > now)
        {
            long until = Math.Min(due, endTicks);
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds((double)(until - now) / Stopwatch.Frequency));
        }
    }
}
