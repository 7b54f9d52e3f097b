using System.Runtime.CompilerServices;
using Confluent.Kafka;
using LowLatency.Engine;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Decoding into the ring. A batch claims a range of slots through the engine's claim API
/// (<see cref="Sequencer.TryNext(int, out long)"/>), sized for the rest of the batch; the decoder writes each record
/// from librdkafka's buffer straight into the next claimed slot, and the source writes the slot's side entries
/// (partition, offset, event time, watermark) beside it. A refused record leaves its slot to the next record; slots the
/// batch did not fill are handed back unpublished (<see cref="SingleProducerSequencer.ReturnClaims"/>), so no slot is
/// written before it is claimed and none is published empty. Malformed records are counted per
/// <see cref="KafkaMalformedReason"/> (property, meter, log) and, with <see cref="KafkaSourceOptions.DeadLetterTopic"/>,
/// produced there with their origin.
/// </summary>
public sealed partial class KafkaSource<T>
{
    private static readonly string[] s_reasonNames = Enum.GetNames<KafkaMalformedReason>();

    // Poll thread only.
    private IProducer<Null, byte[]>? _deadLetters;

    // Written by the poll thread (volatile), read by anyone; indexed by KafkaMalformedReason.
    private readonly long[] _malformedBy = new long[2];

    // Written by the poll thread (volatile), read by anyone.
    private long _deadLettered;

    /// <summary>Records refused for <paramref name="reason"/> (counted, skipped, committed past).</summary>
    public long MalformedOf(KafkaMalformedReason reason) => Volatile.Read(ref _malformedBy[(int)reason]);

    /// <summary>Malformed records delivered to <see cref="KafkaSourceOptions.DeadLetterTopic"/>.</summary>
    public long DeadLettered => Volatile.Read(ref _deadLettered);

    /// <summary>
    /// Decodes a record into the claimed slot <paramref name="sequence"/> and writes its side entries; false (counted,
    /// dead-lettered) when the record is malformed, and the slot stays free for the next record.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool DecodeInto(long sequence, KafkaPartitionState state, in LibrdkafkaConsumerQueue.RawMessage message, long now)
    {
        ref T slot = ref _ring[sequence];
        if (message.Payload == 0 || !_decoder.TryDecode(message.Value, ref slot))
        {
            OnMalformed(state, message.Offset, message.Payload == 0 ? KafkaMalformedReason.NullValue : KafkaMalformedReason.Undecodable, message.Value);
            return false;
        }

        long index = sequence & _mask;
        long eventTime = _decoder.GetEventTime(in slot);
        _stateOf[index] = state;
        _offsetOf[index] = message.Offset;
        _eventTimeOf[index] = eventTime;
        state.Position = message.Offset + 1;
        state.AtEnd = false;
        state.LastEventTimestamp = now;
        OnEventTime(state, eventTime);
        _watermarkOf[index] = _watermark;
        if (_unpublishedFrom < 0)
        {
            _unpublishedFrom = sequence;
        }

        _unpublishedTo = sequence;
        return true;
    }

    /// <summary>Claims <paramref name="want"/> slots (fewer if the ring filled meanwhile) through the engine; false once the ring is closed or the source is stopping.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryClaim(int want, out long low, out long high)
    {
        int count = want;
        if (_sequencer.TryNext(want, out high) != PublishResult.Ok && !ClaimSlow(ref count, out high))
        {
            low = 0;
            high = -1;
            return false;
        }

        low = high - count + 1;
        if (high - _ring.Capacity > _scanned)
        {
            // The slots' side entries (partition, offset) must be read by the commit scan before they are rewritten.
            ScanCompleted();
        }

        return true;
    }

    /// <summary>
    /// Not enough room for the whole rest of the batch (the batch is sized to the free room, so only when the ring
    /// filled meanwhile, e.g. while paused): publish what is decoded, then claim what fits, waiting for at least one
    /// slot, a close, or a stop request.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ClaimSlow(ref int count, out long high)
    {
        // Our own unpublished claims must not be what fills the ring.
        FlushPublished();
        var spin = default(SpinWait);
        while (true)
        {
            int fits = (int)Math.Clamp(_sequencer.RemainingCapacity, 1, count);
            PublishResult result = _sequencer.TryNext(fits, out high);
            if (result == PublishResult.Ok)
            {
                count = fits;
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
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnMalformed(KafkaPartitionState state, long offset, KafkaMalformedReason reason, ReadOnlySpan<byte> value)
    {
        Volatile.Write(ref _malformed, _malformed + 1);
        Volatile.Write(ref _malformedBy[(int)reason], _malformedBy[(int)reason] + 1);
        string reasonName = s_reasonNames[(int)reason];
        KafkaTelemetry.Malformed.Add(1, new KeyValuePair<string, object?>("source", _options.Name), new KeyValuePair<string, object?>("reason", reasonName));
        _logger.LogMalformed(_options.Name, state.Topic, state.Partition, offset, reasonName);
        if (_options.DeadLetterTopic is { } deadLetterTopic)
        {
            DeadLetter(deadLetterTopic, state.Topic, state.Partition, offset, reason, reason == KafkaMalformedReason.NullValue ? null : value.ToArray());
        }
    }

    /// <summary>
    /// Produces the refused value with its origin in headers and waits for the acknowledgement (bounded by
    /// <see cref="KafkaSourceOptions.BrokerTimeout"/>): the offset is committed past a malformed record only
    /// once its dead letter is durable. Rare path, so the wait on the poll thread is the simple, lossless choice.
    /// </summary>
    private void DeadLetter(string deadLetterTopic, string topic, int partition, long offset, KafkaMalformedReason reason, byte[]? value)
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
            _deadLetters.ProduceAsync(deadLetterTopic, new Message<Null, byte[]> { Value = value!, Headers = headers }).GetAwaiter().GetResult();
            Volatile.Write(ref _deadLettered, _deadLettered + 1);
        }
        catch (ProduceException<Null, byte[]> e)
        {
            Interlocked.CompareExchange(ref _fault, new KafkaSourceException($"Kafka source '{_options.Name}': dead letter for {topic}/{partition}@{offset} not delivered to '{deadLetterTopic}': {e.Error.Code} {e.Error.Reason}", e), null);
        }
    }

    private void DisposeDeadLetters()
    {
        _deadLetters?.Dispose();
        _deadLetters = null;
    }
}
