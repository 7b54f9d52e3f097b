using System.Runtime.CompilerServices;
using Confluent.Kafka;
using LowLatency.Engine;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Decoding and publishing. librdkafka hands the value to the decoder as a span over its own buffer, inside
/// the consume call; the decoder writes a staging value, which is copied into a slot claimed through the
/// engine's claim API (<see cref="Engine.Sequencing.Sequencer.TryNext(int, out long)"/>) and published: no slot
/// is written before it is claimed. The copy is one struct move; a malformed record costs no claim and
/// leaves no hole. Malformed records are counted per <see cref="KafkaMalformedReason"/> (property, meter,
/// log) and, with <see cref="KafkaSourceOptions.DeadLetterTopic"/>, produced there with their origin.
/// </summary>
public sealed partial class KafkaSource<T>
{
    private static readonly string[] s_reasonNames = Enum.GetNames<KafkaMalformedReason>();

    // Poll thread only: the record decoded by the last consume call, and why the last one was refused.
    private T _staging;
    private KafkaMalformedReason _refusedAs;
    private byte[]? _refusedValue;
    private IProducer<Null, byte[]>? _deadLetters;

    // Written by the poll thread (volatile), read by anyone; indexed by KafkaMalformedReason.
    private readonly long[] _malformedBy = new long[2];

    // Written by the poll thread (volatile), read by anyone.
    private long _deadLettered;

    /// <summary>Records refused for <paramref name="reason"/> (counted, skipped, committed past).</summary>
    public long MalformedOf(KafkaMalformedReason reason) => Volatile.Read(ref _malformedBy[(int)reason]);

    /// <summary>Malformed records delivered to <see cref="KafkaSourceOptions.DeadLetterTopic"/>.</summary>
    public long DeadLettered => Volatile.Read(ref _deadLettered);

    /// <summary>Called by the value deserializer, inside the consume call, with librdkafka's buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Decode(ReadOnlySpan<byte> value, bool isNull)
    {
        if (isNull)
        {
            _decoded = false;
            _refusedAs = KafkaMalformedReason.NullValue;
            return;
        }

        _decoded = _decoder.TryDecode(value, ref _staging);
        if (!_decoded)
        {
            RefuseSlow(value);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RefuseSlow(ReadOnlySpan<byte> value)
    {
        _refusedAs = KafkaMalformedReason.Undecodable;
        _refusedValue = _options.DeadLetterTopic is null ? null : value.ToArray();
    }

    /// <summary>Claims the next slot through the engine, copies the staged event in, and adds it to the range to publish.</summary>
    private void PublishDecoded(string topic, int partition, long offset)
    {
        if (!TryClaimSlot(out long sequence))
        {
            // Closed by a drain or a fault, or stopping: the record is not published, so it is never
            // committed, and the next owner of the partition reads it again.
            return;
        }

        ref T slot = ref _ring[sequence];
        slot = _staging;
        KafkaPartitionState? state = Lookup(topic, partition);
        long index = sequence & _mask;
        long eventTime = _decoder.GetEventTime(in slot);
        _stateOf[index] = state;
        _offsetOf[index] = offset;
        _eventTimeOf[index] = eventTime;
        if (state is not null)
        {
            state.Position = offset + 1;
            state.AtEnd = false;
            state.LastEventTimestamp = _idleTimeoutTicks == long.MaxValue ? 0 : _time.GetTimestamp();
            OnEventTime(state, eventTime);
        }

        _watermarkOf[index] = _watermark;
        if (_unpublishedFrom < 0)
        {
            _unpublishedFrom = sequence;
        }

        _unpublishedTo = sequence;
        if (sequence - _unpublishedFrom + 1 >= _options.MaxPublishBatch)
        {
            FlushPublished();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryClaimSlot(out long sequence)
    {
        if (_sequencer.TryNext(1, out sequence) != PublishResult.Ok && !ClaimSlow(out sequence))
        {
            return false;
        }

        if (sequence - _ring.Capacity > _scanned)
        {
            // The slot's side entries (partition, offset) must be read by the commit scan before they are reused.
            ScanCompleted();
        }

        return true;
    }

    /// <summary>The ring is full (backpressure past the pause mark): wait for room, a close, or a stop request.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ClaimSlow(out long sequence)
    {
        // Our own unpublished claims must not be what fills the ring.
        FlushPublished();
        var spin = default(SpinWait);
        while (true)
        {
            PublishResult result = _sequencer.TryNext(1, out sequence);
            if (result == PublishResult.Ok)
            {
                return true;
            }

            if (result == PublishResult.Closed || _stopRequested)
            {
                return false;
            }

            spin.SpinOnce(sleep1Threshold: 20);
        }
    }

    /// <summary>Counts a refused record and, with a dead-letter topic, delivers it there before going on.</summary>
    private void OnMalformed(string topic, int partition, long offset)
    {
        KafkaMalformedReason reason = _refusedAs;
        Volatile.Write(ref _malformed, _malformed + 1);
        Volatile.Write(ref _malformedBy[(int)reason], _malformedBy[(int)reason] + 1);
        string reasonName = s_reasonNames[(int)reason];
        KafkaTelemetry.Malformed.Add(1, new KeyValuePair<string, object?>("source", _options.Name), new KeyValuePair<string, object?>("reason", reasonName));
        _logger.LogMalformed(_options.Name, topic, partition, offset, reasonName);
        if (_options.DeadLetterTopic is { } deadLetterTopic)
        {
            DeadLetter(deadLetterTopic, topic, partition, offset, reason);
        }
    }

    /// <summary>
    /// Produces the refused value with its origin in headers and waits for the acknowledgement (bounded by
    /// <see cref="KafkaSourceOptions.BrokerTimeout"/>): the offset is committed past a malformed record only
    /// once its dead letter is durable. Rare path, so the wait on the poll thread is the simple, lossless choice.
    /// </summary>
    private void DeadLetter(string deadLetterTopic, string topic, int partition, long offset, KafkaMalformedReason reason)
    {
        _deadLetters ??= new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            MessageTimeoutMs = (int)_options.BrokerTimeout.TotalMilliseconds,
        }).SetLogHandler((_, message) => _logger.LogClient(message)).Build();
        var headers = new Headers
        {
            { "lowlatency.source.topic", System.Text.Encoding.UTF8.GetBytes(topic) },
            { "lowlatency.source.partition", BitConverter.GetBytes(partition) },
            { "lowlatency.source.offset", BitConverter.GetBytes(offset) },
            { "lowlatency.reason", System.Text.Encoding.UTF8.GetBytes(s_reasonNames[(int)reason]) },
        };
        try
        {
            _deadLetters.ProduceAsync(deadLetterTopic, new Message<Null, byte[]> { Value = _refusedValue!, Headers = headers }).GetAwaiter().GetResult();
            Volatile.Write(ref _deadLettered, _deadLettered + 1);
        }
        catch (ProduceException<Null, byte[]> e)
        {
            Interlocked.CompareExchange(ref _fault, new KafkaSourceException($"Kafka source '{_options.Name}': dead letter for {topic}/{partition}@{offset} not delivered to '{deadLetterTopic}': {e.Error.Code} {e.Error.Reason}", e), null);
        }

        _refusedValue = null;
    }

    private void DisposeDeadLetters()
    {
        _deadLetters?.Dispose();
        _deadLetters = null;
    }

    /// <summary>Confluent's value deserializer, used as the hook that decodes straight from librdkafka's buffer.</summary>
    private sealed class StagingDeserializer(KafkaSource<T> source) : IDeserializer<Null>
    {
        public Null Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
        {
            source.Decode(data, isNull);
            return null!;
        }
    }
}
