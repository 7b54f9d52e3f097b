using System.Runtime.CompilerServices;
using Confluent.Kafka;
using LowLatency.Engine.Sequencing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Produces events to a Kafka topic through an idempotent producer, without awaiting each record, and tells
/// a <see cref="KafkaSource{T}"/> how far its input is durable (<see cref="ICommitGate"/>).
/// </summary>
/// <remarks>
/// <para><b>Coverage.</b> Each record is produced with the highest input sequence it
/// <i>covers</i>: every input at or below it has all its outputs produced (for a 1:1 stage, the input's own
/// sequence; for a window stage, the sequence before the oldest input still held in open windows).
/// <see cref="Cover"/> advances coverage when an input produces nothing. <see cref="SafeSequence"/> is the
/// coverage of the longest prefix of records the broker has acknowledged, so a source gated by the sink
/// never commits an offset whose output might still be lost.</para>
/// <para><b>Faults.</b> A failed delivery (exhausted retries, delivery timeout, fatal idempotence error)
/// freezes <see cref="SafeSequence"/> before that record, records <see cref="Fault"/>, and makes the next
/// <see cref="Produce"/> throw <see cref="KafkaSinkException"/>, which halts the calling stage under the
/// default exception policy.</para>
/// <para><b>Backpressure.</b> When <see cref="KafkaSinkOptions.MaxInFlight"/> records are unacknowledged, or
/// librdkafka's queue is full, <see cref="Produce"/> waits (the stage stalls, the ring fills, the source
/// pauses); <see cref="TryProduce"/> returns false instead. Nothing is dropped.</para>
/// <para><b>Threading.</b> <see cref="Produce"/>, <see cref="TryProduce"/> and <see cref="Cover"/> are for one
/// thread (the stage's). Delivery reports arrive on librdkafka's poll thread. The in-flight table is shared
/// by both under <c>_lock</c>: the produce path takes it once per record, which is small next to
/// librdkafka's own per-record cost.</para>
/// <para><b>Allocation.</b> Confluent.Kafka allocates a message and a delivery report per record; the sink
/// adds nothing per record: keys and values are encoded into a scratch span and handed over in cached
/// exact-length arrays, which is safe because librdkafka copies the payload during the produce call.</para>
/// </remarks>
/// <typeparam name="T">The event type.</typeparam>
public sealed class KafkaSink<T> : ICommitGate, IAsyncDisposable, IDisposable
    where T : struct
{
    private static readonly TimeSpan s_flushSlice = TimeSpan.FromMilliseconds(50);

    private readonly IKafkaEncoder<T> _encoder;
    private readonly KafkaSinkOptions _options;
    private readonly ILogger _logger;
    private readonly IProducer<KafkaOutbound<T>, KafkaOutbound<T>> _producer;
    private readonly Action<DeliveryReport<KafkaOutbound<T>, KafkaOutbound<T>>> _onDelivery;
    private readonly Lock _lock = new();
    private readonly long _mask;

    // Producing thread only: encoding scratch and the cached exact-length arrays handed to librdkafka.
    private readonly byte[] _scratch;
    private readonly byte[]?[] _exactByLength;

    // Guarded by _lock. Record id → coverage, and whether the broker acknowledged it; _acknowledgedThrough is
    // the first id not yet acknowledged, _nextId the next id to hand out.
    private readonly long[] _coverOf;
    private readonly bool[] _acknowledged;
    private long _nextId;
    private long _acknowledgedThrough;

    // Written under _lock (volatile), read by the source's poll thread.
    private long _safeSequence = Sequence.InitialValue;

    // Set once (compare-and-set) by the delivery or error callback; read by the producing thread.
    private Exception? _fault;

    private long _produced;
    private long _delivered;
    private long _failed;

    /// <summary>Builds the sink and its producer; invalid options fail here with a message naming the option.</summary>
    public KafkaSink(IKafkaEncoder<T> encoder, KafkaSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _encoder = encoder;
        _options = options;
        _logger = options.Logger ?? NullLogger.Instance;
        _mask = options.MaxInFlight - 1;
        _coverOf = new long[options.MaxInFlight];
        _acknowledged = new bool[options.MaxInFlight];
        _scratch = new byte[options.MaxRecordBytes];
        _exactByLength = new byte[]?[options.MaxRecordBytes + 1];
        _onDelivery = OnDelivery;

        var config = new ProducerConfig();
        foreach (KeyValuePair<string, string> setting in options.Settings)
        {
            config.Set(setting.Key, setting.Value);
        }

        config.BootstrapServers = options.BootstrapServers;
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        config.LingerMs = options.Linger.TotalMilliseconds;
        config.MessageTimeoutMs = (int)options.DeliveryTimeout.TotalMilliseconds;
        config.EnableDeliveryReports = true;
        _producer = new ProducerBuilder<KafkaOutbound<T>, KafkaOutbound<T>>(config)
            .SetKeySerializer(new KeySerializer(this))
            .SetValueSerializer(new ValueSerializer(this))
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => _logger.LogClient(message))
            .Build();
    }

    /// <summary>The options the sink was built with.</summary>
    public KafkaSinkOptions Options => _options;

    /// <inheritdoc/>
    public long SafeSequence => Volatile.Read(ref _safeSequence);

    /// <summary>Why the sink stopped accepting records, if it did.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>Records handed to librdkafka.</summary>
    public long Produced => Volatile.Read(ref _produced);

    /// <summary>Records the broker acknowledged.</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>Records whose delivery failed.</summary>
    public long Failed => Volatile.Read(ref _failed);

    /// <summary>
    /// Produces <paramref name="value"/>, covering inputs through <paramref name="coversThrough"/>; waits while
    /// the in-flight window or librdkafka's queue is full. Throws <see cref="KafkaSinkException"/> once a
    /// delivery has failed.
    /// </summary>
    public void Produce(in T value, long coversThrough)
    {
        var spin = default(SpinWait);
        while (!TryProduce(in value, coversThrough))
        {
            spin.SpinOnce(sleep1Threshold: 10);
        }
    }

    /// <summary>
    /// Produces <paramref name="value"/> if there is room; false (nothing produced) when the in-flight window
    /// or librdkafka's queue is full. Never blocks. Throws <see cref="KafkaSinkException"/> once a delivery has failed.
    /// </summary>
    public bool TryProduce(in T value, long coversThrough)
    {
        ThrowIfFaulted();
        long id;
        lock (_lock)
        {
            id = _nextId;
            if (id - _acknowledgedThrough > _mask)
            {
                return false;
            }

            long slot = id & _mask;
            _coverOf[slot] = coversThrough;
            _acknowledged[slot] = false;
            _nextId = id + 1;
        }

        var message = new Message<KafkaOutbound<T>, KafkaOutbound<T>>
        {
            Key = new KafkaOutbound<T> { Value = value, Id = id },
            Value = new KafkaOutbound<T> { Value = value, Id = id },
        };

        try
        {
            _producer.Produce(_options.Topic, message, _onDelivery);
        }
        catch (ProduceException<KafkaOutbound<T>, KafkaOutbound<T>> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
        {
            Unclaim(id);
            return false;
        }

        Volatile.Write(ref _produced, _produced + 1);
        return true;
    }

    /// <summary>Inputs through <paramref name="coversThrough"/> produce nothing more: once every record produced so far is acknowledged, they are safe.</summary>
    public void Cover(long coversThrough)
    {
        lock (_lock)
        {
            if (_acknowledgedThrough == _nextId)
            {
                if (coversThrough > _safeSequence && _fault is null)
                {
                    Volatile.Write(ref _safeSequence, coversThrough);
                }
            }
            else
            {
                long last = (_nextId - 1) & _mask;
                _coverOf[last] = Math.Max(_coverOf[last], coversThrough);
            }
        }
    }

    /// <summary>
    /// Completes once every record produced so far is acknowledged by the broker. Throws
    /// <see cref="KafkaSinkException"/> if any delivery failed (the reason is the first failure), and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first (records
    /// still in flight stay in flight). Waits on a pool thread, in slices, so cancellation is honoured within
    /// about 50 ms.
    /// </summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.Run(() =>
    {
        while (_producer.Flush(s_flushSlice) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        ThrowIfFaulted();
    }, cancellationToken);

    /// <summary>Flushes for at most <see cref="KafkaSinkOptions.DisposeFlushTimeout"/>, then disposes the producer; records still in flight are abandoned (and never covered), and a failure is logged, not thrown.</summary>
    public async ValueTask DisposeAsync()
    {
        using var bounded = new CancellationTokenSource(_options.DisposeFlushTimeout);
        try
        {
            await FlushAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KafkaSinkException or OperationCanceledException)
        {
            _logger.LogSinkFaulted(_options.Name, $"disposed with {Produced - Delivered - Failed} record(s) unacknowledged: {e.Message}");
        }

        // Everything is flushed (or abandoned) before the destroy, so it has nothing left to wait for on the brokers.
        if (!KafkaClientTeardown.TryRun(_producer.Dispose, KafkaClientTeardown.DefaultBound, $"{_options.Name}/dispose"))
        {
            _logger.LogSinkFaulted(_options.Name, $"librdkafka's destroy of the producer did not return within {KafkaClientTeardown.DefaultBound.TotalSeconds:0} s; the producer was abandoned.");
        }
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/>, for hosts without an async path.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Unclaim(long id)
    {
        lock (_lock)
        {
            if (_nextId == id + 1)
            {
                _nextId = id;
            }
        }
    }

    private void OnDelivery(DeliveryReport<KafkaOutbound<T>, KafkaOutbound<T>> report)
    {
        long id = report.Message.Value.Id;
        if (report.Error.IsError)
        {
            Fail(new KafkaSinkException($"Kafka sink '{_options.Name}': delivery to '{_options.Topic}' failed: {report.Error.Code} {report.Error.Reason}", new KafkaException(report.Error)));
            Interlocked.Increment(ref _failed);
            KafkaTelemetry.DeliveryFailed.Add(1);
            return;
        }

        Interlocked.Increment(ref _delivered);
        if (KafkaTelemetry.Delivered.Enabled)
        {
            KafkaTelemetry.Delivered.Add(1);
        }

        lock (_lock)
        {
            _acknowledged[id & _mask] = true;
            long safe = _safeSequence;
            while (_acknowledgedThrough < _nextId && _acknowledged[_acknowledgedThrough & _mask])
            {
                safe = Math.Max(safe, _coverOf[_acknowledgedThrough & _mask]);
                _acknowledgedThrough++;
            }

            if (_fault is null)
            {
                Volatile.Write(ref _safeSequence, safe);
            }
        }
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            Fail(new KafkaSinkException($"Kafka sink '{_options.Name}': fatal producer error {error.Code} {error.Reason}", new KafkaException(error)));
        }
    }

    /// <summary>Keeps the first failure (the one <see cref="Fault"/> reports) and logs it once.</summary>
    private void Fail(KafkaSinkException failure)
    {
        if (Interlocked.CompareExchange(ref _fault, failure, null) is null)
        {
            _logger.LogSinkFaulted(_options.Name, failure.Message);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfFaulted()
    {
        if (Volatile.Read(ref _fault) is { } fault)
        {
            ThrowFaulted(fault);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFaulted(Exception fault) => throw new KafkaSinkException(fault.Message, fault);

    private byte[]? Exact(int length)
    {
        if (length == 0)
        {
            return null;
        }

        byte[] exact = _exactByLength[length] ??= new byte[length];
        _scratch.AsSpan(0, length).CopyTo(exact);
        return exact;
    }

    private sealed class KeySerializer(KafkaSink<T> sink) : ISerializer<KafkaOutbound<T>>
    {
        public byte[] Serialize(KafkaOutbound<T> data, SerializationContext context) =>
            sink.Exact(sink._encoder.EncodeKey(in data.Value, sink._scratch))!;
    }

    private sealed class ValueSerializer(KafkaSink<T> sink) : ISerializer<KafkaOutbound<T>>
    {
        public byte[] Serialize(KafkaOutbound<T> data, SerializationContext context) =>
            sink.Exact(sink._encoder.EncodeValue(in data.Value, sink._scratch)) ?? [];
    }
}
