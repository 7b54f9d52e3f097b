using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using LowLatency.Engine;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Sequencing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Consumes a Kafka consumer-group subscription into a pipeline's ring, at least once: a partition's offset
/// is committed only after every terminal stage, and every <see cref="ICommitGate"/>, has finished with every
/// event of that partition at or below it. Or exactly once, with per-partition state, after
/// <see cref="UseExactlyOnce{TOut}"/> (<c>KafkaSource_1.Tasks.cs</c>).
/// </summary>
/// <remarks>
/// <para><b>Threading.</b> One poll thread owns the consumer and is the ring's only producer (the pipeline
/// must be <see cref="ProducerType.Single"/>). Rebalance callbacks run on that thread, inside the batch consume
/// call, so partition state needs no lock; the last one, at stop, runs inside the close, on a teardown thread the
/// poll thread waits for (bounded by <see cref="KafkaSourceOptions.CloseTimeout"/>).</para>
/// <para><b>Polling and decoding.</b> Records come from librdkafka in batches, one native call each, on the
/// Confluent consumer's own queue (<c>KafkaSource_1.Poll.cs</c>); each batch claims a range of slots through the
/// engine's claim API, the decoder writes each record from librdkafka's buffer straight into its slot, and the range
/// is published once; slots of refused records are handed back unpublished, so the ring has no hole
/// (<c>KafkaSource_1.Decode.cs</c>).</para>
/// <para><b>Commits.</b> Beside each slot the source keeps (partition, offset). Every
/// <see cref="KafkaSourceOptions.StoreInterval"/> it scans the slots the pipeline has completed, records one
/// (sequence, next offset) checkpoint per partition, and hands librdkafka's offset store the newest
/// checkpoint that every gate has also passed; librdkafka commits the store every
/// <see cref="KafkaSourceOptions.CommitInterval"/>, and synchronously on revocation and stop. A crash replays
/// at most what was completed after the last commit, plus what was in flight.</para>
/// <para><b>Backpressure.</b> When the ring reaches the pause mark every assigned partition is paused (the
/// consumer keeps polling, so the group membership stays alive, but fetches nothing); below the resume mark
/// they resume. Nothing is buffered outside the ring beyond librdkafka's own bounded prefetch.</para>
/// <para><b>Rebalance.</b> On revocation the source waits (bounded by
/// <see cref="KafkaSourceOptions.RevocationTimeout"/>) for in-flight events to complete, commits what is safe,
/// and forgets the revoked partitions; events it abandons are still processed here, and redelivered to the
/// new owner: duplicates, never loss. Lost partitions (session expired) are forgotten without a commit.</para>
/// </remarks>
/// <typeparam name="T">The event type.</typeparam>
public sealed partial class KafkaSource<T> : IKafkaRecordIndex, IAsyncDisposable
    where T : struct
{
    private readonly Pipeline<T> _pipeline;
    private readonly RingBuffer<T> _ring;
    private readonly Sequencer _sequencer;
    private readonly SingleProducerSequencer _claims; // the same sequencer: a batch hands back the claims it did not fill
    private readonly IKafkaDecoder<T> _decoder;
    private readonly KafkaSourceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OccupancyHysteresis _flow;
    private readonly long _mask;
    private readonly long _storeIntervalTicks;
    private readonly long _idleTimeoutTicks;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();

    // Side arrays indexed like the ring's slots. Written by the poll thread before it publishes the slot
    // (the publish is the release store); read by stages through RecordAt after their barrier's acquire, and
    // by the poll thread when it scans completed slots. A slot's entry is rewritten only after every gating
    // stage has passed it, exactly like the slot itself.
    private readonly KafkaPartitionState?[] _stateOf;
    private readonly long[] _offsetOf;
    private readonly long[] _eventTimeOf;
    private readonly long[] _watermarkOf;

    // Poll thread only.
    private readonly List<KafkaPartitionState> _assigned = [];
    private readonly List<TopicPartition> _assignedPartitions = [];
    private readonly List<KafkaPartitionState> _touched = [];
    private readonly List<TopicPartitionOffset> _toCommit = [];
    private ICommitGate[] _gates = [];
    private IKafkaTaskOwner? _owner; // set before Start; then the owner places partitions and the source commits no offsets
    private IConsumer<Ignore, Ignore>? _consumer;
    private KafkaPartitionState? _lastState;
    private long _scanned = Sequence.InitialValue;
    private bool _paused;
    private bool _pauseStateStale; // a rebalance assigned partitions: paused ones must be paused again
    private long _nextRound;
    private long _unpublishedFrom = -1; // first claimed, decoded, not yet published sequence; −1 when none
    private long _unpublishedTo;

    // Written by the poll thread (volatile), read by anyone.
    private long _watermark = long.MinValue;
    private long _consumed;
    private long _malformed;
    private long _pauses;
    private long _revocations;
    private long _commitFailures;
    private bool _caughtUp;
    private bool _isPaused;

    // Written by StopAsync's caller, read by the poll thread.
    private volatile bool _stopRequested;

    // Written by the poll thread on every assignment change (volatile); read by the metrics callback.
    private KafkaPartitionState[] _lagView = [];

    // Set once (compare-and-set) by librdkafka's error callback; read by the poll thread.
    private Exception? _fault;

    // Guarded by _lock.
    private Thread? _thread;

    /// <summary>Tests only: runs first in the stop's teardown, where a test holds it to stand for a librdkafka call that does not return.</summary>
    internal Action? BeforeClose { get; set; }

    /// <summary>Tests only: runs first in every revocation, where a test holds it to order it after librdkafka's own steps.</summary>
    internal Action? BeforeRevoke { get; set; }

    // Written and read by the teardown thread: the close (whose revocation callback runs on that thread) has begun.
    private bool _closing;

    /// <summary>Builds a source publishing into <paramref name="pipeline"/>'s ring; invalid options fail here with a message naming the option.</summary>
    /// <param name="pipeline">A single-producer pipeline this source alone publishes into.</param>
    /// <param name="decoder">Decodes record values into ring slots.</param>
    /// <param name="options">Source options.</param>
    /// <param name="timeProvider">Clock for idleness; <see cref="TimeProvider.System"/> when null.</param>
    public KafkaSource(Pipeline<T> pipeline, IKafkaDecoder<T> decoder, KafkaSourceOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (pipeline.Options.ProducerType != ProducerType.Single)
        {
            KafkaOptionGuard.ThrowOption("PipelineOptions.ProducerType", pipeline.Options.ProducerType, "a KafkaSource must be the only producer of a Single-producer pipeline (it publishes claimed ranges and keeps side entries per slot).");
        }

        _pipeline = pipeline;
        _ring = pipeline.RingBuffer;
        _sequencer = _ring.Sequencer;
        _claims = (SingleProducerSequencer)_sequencer;
        _decoder = decoder;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = options.Logger ?? NullLogger.Instance;
        _flow = new OccupancyHysteresis(_sequencer, options.PauseAtOccupancy, options.ResumeAtOccupancy);
        _mask = _ring.Capacity - 1;
        _stateOf = new KafkaPartitionState?[_ring.Capacity];
        _offsetOf = new long[_ring.Capacity];
        _eventTimeOf = new long[_ring.Capacity];
        _watermarkOf = new long[_ring.Capacity];
        _storeIntervalTicks = (long)(options.StoreInterval.TotalSeconds * Stopwatch.Frequency);
        _idleTimeoutTicks = options.IdleTimeout is { } idle ? (long)(idle.TotalSeconds * _time.TimestampFrequency) : long.MaxValue;
    }

    /// <summary>The options the source was built with.</summary>
    public KafkaSourceOptions Options => _options;

    /// <summary>The combined event-time watermark: the minimum over assigned, non-idle partitions. Never goes back.</summary>
    public long Watermark => Volatile.Read(ref _watermark);

    /// <summary>Records decoded and published.</summary>
    public long Consumed => Volatile.Read(ref _consumed);

    /// <summary>Records the decoder refused (counted, skipped, committed past).</summary>
    public long Malformed => Volatile.Read(ref _malformed);

    /// <summary>How many times the ring's occupancy paused fetching.</summary>
    public long Pauses => Volatile.Read(ref _pauses);

    /// <summary>True while the assigned partitions are paused for backpressure.</summary>
    public bool IsPaused => Volatile.Read(ref _isPaused);

    /// <summary>Revocations handled (each committed what was safe before the handover).</summary>
    public long Revocations => Volatile.Read(ref _revocations);

    /// <summary>Synchronous commits that failed (the offsets stay stored and are retried by the next commit).</summary>
    public long CommitFailures => Volatile.Read(ref _commitFailures);

    /// <summary>True when partitions are assigned and every one is at its end offset.</summary>
    public bool IsCaughtUp => Volatile.Read(ref _caughtUp);

    /// <summary>
    /// Completes when the poll thread has exited (after the final commit). Faults with a
    /// <see cref="KafkaSourceException"/> on a fatal client error, or when no broker answered, a topic was
    /// missing or every broker stayed lost for <see cref="KafkaSourceOptions.BrokerTimeout"/>.
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>Where the event at <paramref name="sequence"/> came from. Valid while a stage holds that sequence.</summary>
    public KafkaRecordInfo RecordAt(long sequence)
    {
        long index = sequence & _mask;
        KafkaPartitionState? state = _stateOf[index];
        return state is null
            ? default
            : new KafkaRecordInfo(state.Topic, state.Partition, _offsetOf[index], _eventTimeOf[index], _watermarkOf[index]);
    }

    /// <summary>Adds a gate that holds commits back until it has passed a sequence. Call before <see cref="Start"/>.</summary>
    public KafkaSource<T> AddCommitGate(ICommitGate gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        lock (_lock)
        {
            EnsureNotStarted();
            _gates = [.. _gates, gate];
        }

        return this;
    }

    /// <summary>Subscribes and starts the poll thread. Start the pipeline first.</summary>
    public void Start()
    {
        lock (_lock)
        {
            EnsureNotStarted();
            IConsumer<Ignore, Ignore> consumer = BuildConsumer();
            try
            {
                _queue = new LibrdkafkaConsumerQueue(consumer, ConsumeBatch);
            }
            catch (InvalidOperationException)
            {
                consumer.Dispose();
                throw;
            }

            _consumer = consumer;
            _thread = new Thread(Run) { Name = $"{_options.Name}/poll", IsBackground = true };
        }

        KafkaTelemetry.Register(this);
        _thread.Start();
    }

    /// <summary>
    /// Stops fetching, waits (bounded by <see cref="KafkaSourceOptions.StopTimeout"/>) until everything
    /// published is completed and passed by every gate, commits, and leaves the group. Drain the pipeline
    /// and flush sinks while this runs. Cancelling <paramref name="cancellationToken"/> ends only the caller's
    /// wait (with <see cref="OperationCanceledException"/>): the stop carries on, and <see cref="Completion"/>
    /// says how it ended.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        _stopRequested = true;
        lock (_lock)
        {
            if (_thread is null)
            {
                _completion.TrySetResult();
            }
        }

        return _completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the source (see <see cref="StopAsync"/>); a fault already surfaced through <see cref="Completion"/> is not rethrown.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is KafkaSourceException or KafkaFencedException)
        {
            // Already surfaced through Completion.
        }
    }

    private void EnsureNotStarted()
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException($"Kafka source '{_options.Name}' has already started.");
        }
    }

    private IConsumer<Ignore, Ignore> BuildConsumer()
    {
        var config = new ConsumerConfig();
        foreach (KeyValuePair<string, string> setting in _options.Settings)
        {
            config.Set(setting.Key, setting.Value);
        }

        config.BootstrapServers = _options.BootstrapServers;
        config.GroupId = _options.GroupId;
        config.EnableAutoCommit = true;
        config.EnableAutoOffsetStore = false;
        config.AutoCommitIntervalMs = (int)_options.CommitInterval.TotalMilliseconds;
        config.EnablePartitionEof = true;
        config.SessionTimeoutMs = (int)_options.SessionTimeout.TotalMilliseconds;
        config.AutoOffsetReset ??= AutoOffsetReset.Earliest;

        // librdkafka's prefetch is the one buffer outside the ring while the source is stopped at its high
        // mark; its default bound (64 MiB) is more than a low-latency host wants to hold.
        config.QueuedMaxMessagesKbytes ??= 16 * 1024;
        if (config.HeartbeatIntervalMs is null)
        {
            config.HeartbeatIntervalMs = Math.Max(100, config.SessionTimeoutMs.Value / 4);
        }

        return new ConsumerBuilder<Ignore, Ignore>(config)
            .SetPartitionsAssignedHandler((consumer, partitions) => OnAssigned(consumer, partitions))
            .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions))
            .SetPartitionsLostHandler((_, partitions) => OnLost(partitions))
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => _logger.LogClient(message))
            .Build();
    }
}
