using System.Diagnostics;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Exactly-once processing of a <see cref="KafkaSource{T}"/>'s partitions: each input partition is a task with
/// its own state (<see cref="IKafkaTaskState"/>); every <see cref="KafkaExactlyOnceOptions.CommitInterval"/> the
/// stage commits, in one Kafka transaction, the epoch's outputs (each tagged with its task's owner token and
/// epoch), then one state record per task that had input (its state and next input offset: written last),
/// and the input offsets (<c>SendOffsetsToTransaction</c> with the group's metadata). A task assigned to a
/// worker is restored from its state partition (<see cref="KafkaTaskLog"/>), claimed with a new token, and
/// its input resumes at the restored offset.
/// </summary>
/// <remarks>
/// <para><b>Threading.</b> <see cref="Track"/>, <see cref="Produce"/> and <see cref="OnBatchEnd"/> run on the
/// one stage that owns the state. Restores, revocations and idle commits run on the source's poll thread
/// while the pipeline is idle (it publishes nothing meanwhile). Commits and restores hold <c>_lock</c>.</para>
/// <para><b>What relies on the broker.</b> Correctness as read through <see cref="KafkaTaskLog"/> (state records
/// and output tags) holds on librdkafka's mock, which hides neither aborted nor open transactions and fences
/// nothing. A plain <c>read_committed</c> consumer of the outputs sees exactly once only on a real broker,
/// which aborts a crashed or fenced owner's open transaction (same <c>transactional.id</c>, or a stale group
/// generation under KIP-447).</para>
/// </remarks>
/// <typeparam name="T">The output event type.</typeparam>
public sealed partial class KafkaExactlyOnce<T> : IKafkaTaskOwner, IDisposable
    where T : struct
{
    private readonly IKafkaRecordIndex _records;
    private readonly IKafkaEncoder<T> _encoder;
    private readonly IKafkaTaskState _state;
    private readonly KafkaExactlyOnceOptions _options;
    private readonly ILogger _logger;
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly Action<DeliveryReport<byte[], byte[]>> _onOutputDelivery;
    private readonly Action<DeliveryReport<byte[], byte[]>> _onStateDelivery;
    private readonly long _commitIntervalTicks;
    private readonly Lock _lock = new();

    // Stage thread only: encoding scratch and cached exact-length arrays (librdkafka copies them during the
    // produce call; keys and values have separate caches so a key and a value of one length never share one).
    private readonly byte[] _scratch;
    private readonly byte[]?[] _keyByLength;
    private readonly byte[]?[] _valueByLength;

    // Tasks by input partition. Written under _lock by the poll thread while the pipeline is idle; read by the
    // stage after the publish of the task's first event (release/acquire through the ring).
    private KafkaTask?[] _tasks = new KafkaTask?[16];

    // Stage thread (or the poll thread while the pipeline is idle).
    private long _nextCommit;

    // Written by the poll thread at each assignment, under _lock; read at commits under _lock.
    private IConsumerGroupMetadata? _group;

    // Records produced and not yet reported (delivered or failed): incremented by whoever produces, decremented by
    // the delivery callbacks (librdkafka's poll thread), which pulse _deliveries when it reaches 0; see AwaitDeliveries.
    private readonly object _deliveries = new();
    private long _undelivered;

    // Set once (compare-and-set) by a delivery or error callback; read by whoever commits.
    private Exception? _fault;

    // Written under _lock (volatile), read by anyone.
    private long _commits;
    private long _commitTicksTotal;
    private long _commitTicksMax;
    private long _claims;
    private int _owned;
    private long _produced;

    internal KafkaExactlyOnce(IKafkaRecordIndex records, IKafkaEncoder<T> encoder, IKafkaTaskState state, KafkaExactlyOnceOptions options)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _records = records;
        _encoder = encoder;
        _state = state;
        _options = options;
        _logger = options.Logger ?? NullLogger.Instance;
        _scratch = new byte[Math.Max(options.MaxRecordBytes, KafkaTaskRecord.HeaderSize + options.MaxStateBytes)];
        _keyByLength = new byte[]?[options.MaxRecordBytes + 1];
        _valueByLength = new byte[]?[options.MaxRecordBytes + 1];
        _onOutputDelivery = OnOutputDelivery;
        _onStateDelivery = OnStateDelivery;
        _commitIntervalTicks = (long)(options.CommitInterval.TotalSeconds * Stopwatch.Frequency);
        _producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            TransactionalId = options.TransactionalId,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 1,
            TransactionTimeoutMs = TransactionTimeoutMs,
        })
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => _logger.LogClient(message))
            .Build();
        _reader = BuildReader();
        _claimProducer = BuildClaimProducer();
        try
        {
            _producer.InitTransactions(options.TransactionTimeout);
            _producer.BeginTransaction();
        }
        catch (KafkaException e)
        {
            Dispose();
            throw new KafkaSinkException($"Exactly-once '{options.Name}': initialising transactions as '{options.TransactionalId}' failed: {e.Error.Code} {e.Error.Reason}", e);
        }
    }

    /// <summary>The options it was built with.</summary>
    public KafkaExactlyOnceOptions Options => _options;

    /// <summary>Transactions committed.</summary>
    public long Commits => Volatile.Read(ref _commits);

    /// <summary>Tasks claimed (restored) by this worker, over every assignment.</summary>
    public long Claims => Volatile.Read(ref _claims);

    /// <summary>Tasks this worker holds now: each was claimed (its claim acknowledged) in the current assignment.</summary>
    public int Owned => Volatile.Read(ref _owned);

    /// <summary>Outputs produced (committed or not).</summary>
    public long Produced => Volatile.Read(ref _produced);

    /// <summary>Mean time of a commit (flush, state records, offsets, commit).</summary>
    public TimeSpan MeanCommitLatency => Commits == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, Volatile.Read(ref _commitTicksTotal) / Commits);

    /// <summary>Longest commit so far.</summary>
    public TimeSpan MaxCommitLatency => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _commitTicksMax));

    /// <summary>A failure that stops the worker (delivery failed, fenced, fatal producer error); null while healthy.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>
    /// Stage thread, per input event: records the event's input offset on its task and returns the task's
    /// partition (route the event's state there).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Track(long sequence)
    {
        KafkaRecordInfo record = _records.RecordAt(sequence);
        KafkaTask task = TaskOf(record.Partition);
        task.NextInputOffset = record.Offset + 1;
        task.Touched = true;
        return record.Partition;
    }

    /// <summary>Stage thread: produces an output of the task of <paramref name="partition"/>'s open epoch.</summary>
    public void Produce(in T value, int partition)
    {
        ThrowIfFaulted();
        KafkaTask task = TaskOf(partition);
        var message = new Message<byte[], byte[]>
        {
            Key = Exact(_keyByLength, _encoder.EncodeKey(in value, _scratch))!,
            Value = Exact(_valueByLength, _encoder.EncodeValue(in value, _scratch)) ?? [],
            Headers = task.OutputHeaders,
        };

        while (true)
        {
            Interlocked.Increment(ref _undelivered);
            try
            {
                _producer.Produce(_options.OutputTopic, message, _onOutputDelivery);
                break;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                Delivered();
                _producer.Poll(TimeSpan.FromMilliseconds(1));
            }
        }

        Volatile.Write(ref _produced, _produced + 1);
    }

    /// <summary>Stage thread, at each batch end: commits once the commit interval has passed.</summary>
    public void OnBatchEnd()
    {
        if (Stopwatch.GetTimestamp() >= _nextCommit)
        {
            CommitSlow();
        }
    }

    /// <summary>
    /// Commits the open epoch now. Call only while the stage is not running (e.g. after the pipeline has
    /// drained): the state is read as it stands.
    /// </summary>
    public void CommitNow()
    {
        lock (_lock)
        {
            CommitUnsynchronized();
        }
    }

    /// <summary>Disposes the producers and the state reader; an open transaction is left to the broker (aborted on a real one).</summary>
    public void Dispose()
    {
        _producer.Dispose();
        _claimProducer?.Dispose();
        _reader?.Dispose();
    }

    void IKafkaTaskOwner.OnIdle()
    {
        if (Stopwatch.GetTimestamp() >= _nextCommit)
        {
            CommitSlow();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private KafkaTask TaskOf(int partition)
    {
        KafkaTask?[] tasks = _tasks;
        if ((uint)partition < (uint)tasks.Length && tasks[partition] is { } task)
        {
            return task;
        }

        return ThrowNotOwned(partition);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private KafkaTask ThrowNotOwned(int partition) =>
        throw new InvalidOperationException($"Exactly-once '{_options.Name}': an event of partition {partition}, which this worker does not own (was the pipeline idle at the revocation?).");

    private byte[]? Exact(byte[]?[] cache, int length)
    {
        if (length == 0)
        {
            return null;
        }

        byte[] exact = cache[length] ??= new byte[length];
        _scratch.AsSpan(0, length).CopyTo(exact);
        return exact;
    }

    private void OnOutputDelivery(DeliveryReport<byte[], byte[]> report)
    {
        if (report.Error.IsError)
        {
            Fail(new KafkaSinkException($"Exactly-once '{_options.Name}': output to '{_options.OutputTopic}' failed: {report.Error.Code} {report.Error.Reason}", new KafkaException(report.Error)));
        }

        Delivered(); // last: the committer it wakes must see the failure
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            Fail(error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch
                ? new KafkaFencedException($"Exactly-once '{_options.Name}': producer '{_options.TransactionalId}' fenced by a newer one: {error.Reason}", new KafkaException(error))
                : new KafkaSinkException($"Exactly-once '{_options.Name}': fatal producer error {error.Code} {error.Reason}", new KafkaException(error)));
        }
    }

    private void Fail(Exception failure)
    {
        if (Interlocked.CompareExchange(ref _fault, failure, null) is null)
        {
            _logger.LogSinkFaulted(_options.Name, failure.Message);
        }
    }

    private void ThrowIfFaulted()
    {
        if (Volatile.Read(ref _fault) is { } fault)
        {
            throw fault is KafkaFencedException ? new KafkaFencedException(fault.Message, fault) : new KafkaSinkException(fault.Message, fault);
        }
    }
}
