using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// The poll loop. Records come from librdkafka in batches (<see cref="LibrdkafkaConsumerQueue"/>: one native call
/// takes every record already queued, up to the ring's free room), are decoded into slots claimed as a range
/// (<c>KafkaSource_1.Decode.cs</c>), and are published once per batch. When nothing is queued the loop waits for the
/// next record alone and publishes it at once, so batching adds no latency. Rebalance, error and log callbacks run
/// inside the batch call, on this thread, exactly as they ran inside <c>Consume</c>.
/// </summary>
public sealed partial class KafkaSource<T>
{
    /// <summary>Most records one batch call takes; bounded further by the ring's free room.</summary>
    private const int ConsumeBatch = 1024;

    // Poll thread only: the batch consumer over the Confluent consumer's queue; created at Start, disposed before the close.
    private LibrdkafkaConsumerQueue? _queue;

    private void Run()
    {
        IConsumer<Ignore, Ignore> consumer = _consumer!;
        LibrdkafkaConsumerQueue queue = _queue!;
        Exception? fault = null;
        try
        {
            consumer.Subscribe(_options.Topics);
            EnterTrouble("no broker has answered yet", reported: false);
            int pollMs = (int)_options.PollTimeout.TotalMilliseconds;
            while (!_stopRequested && !_ring.IsClosed && Volatile.Read(ref _fault) is null)
            {
                if (_pauseStateStale)
                {
                    _pauseStateStale = false;
                    ReapplyPause();
                }

                if (_paused ? _flow.IsAtLow() : _flow.IsAtHigh())
                {
                    ApplyBackpressureSlow();
                    continue;
                }

                // Take what is queued without waiting; if nothing is, wait for the next record alone.
                int room = (int)Math.Clamp(_sequencer.RemainingCapacity, 1, queue.Capacity);
                int count = queue.Poll(room, 0);
                if (count == 0)
                {
                    count = queue.Poll(1, pollMs);
                    if (count == 0)
                    {
                        ProgressRound();
                        continue;
                    }
                }

                TakeBatch(queue, count);
                if (Stopwatch.GetTimestamp() >= _nextRound)
                {
                    ProgressRound();
                }
            }

            FinishInFlight(_options.StopTimeout, untilGatesSettle: false);
            if (!InTrouble)
            {
                // With no broker reachable a synchronous commit or group leave would wait on librdkafka's own
                // timeouts: skip them. The offsets stay uncommitted and the next owner replays (at least once).
                CommitStoredSync(_assigned);
            }
        }
        catch (KafkaException e)
        {
            string kind = e.Error.IsFatal ? "fatal client error" : "client error";
            fault = new KafkaSourceException($"Kafka source '{_options.Name}': {kind} {e.Error.Code}: {e.Error.Reason}", e);
        }
        catch (KafkaSourceException e)
        {
            fault = e;
        }
        catch (InvalidOperationException e)
        {
            fault = new KafkaSourceException($"Kafka source '{_options.Name}': {e.Message}", e);
        }
        finally
        {
            // Every message and the queue reference go back before the close: librdkafka's destroy waits for them.
            queue.Dispose();

            // With no broker reachable, leaving the group would wait on librdkafka's own timeouts: skip it.
            bool leave = !InTrouble;
            Exception? leaveFault = null;
            if (KafkaClientTeardown.TryRun(() => leaveFault = LeaveAndFree(consumer, leave), _options.CloseTimeout, $"{_options.Name}/close"))
            {
                fault ??= leaveFault;
            }
            else
            {
                fault ??= new KafkaSourceException(string.Create(CultureInfo.InvariantCulture,
                    $"Kafka source '{_options.Name}': leaving the group and freeing the client did not finish within CloseTimeout = {_options.CloseTimeout.TotalSeconds:0.###} s (a librdkafka close or destroy call did not return); the client was abandoned."));
            }

            KafkaTelemetry.Unregister(this);
            fault ??= Volatile.Read(ref _fault);
            if (fault is null)
            {
                _completion.TrySetResult();
            }
            else
            {
                _logger.LogSourceFaulted(_options.Name, fault.Message);
                _completion.TrySetException(fault);
            }
        }
    }

    /// <summary>
    /// Closes the consumer (its revocation callback runs here, on the teardown thread, while the poll thread waits
    /// for it) and frees every client. Returns a fault, or null.
    /// </summary>
    private KafkaSourceException? LeaveAndFree(IConsumer<Ignore, Ignore> consumer, bool leave)
    {
        BeforeClose?.Invoke();
        DisposeProbe();
        DisposeDeadLetters();
        KafkaSourceException? fault = null;
        try
        {
            if (leave)
            {
                _closing = true;
                consumer.Close();
            }
        }
        catch (KafkaException e)
        {
            fault = new KafkaSourceException($"Kafka source '{_options.Name}': leaving the group failed: {e.Error.Reason}", e);
        }

        consumer.Dispose();
        return fault;
    }

    /// <summary>
    /// Decodes a batch's records into claimed slots and publishes them; handles its end-of-partition and error
    /// events in order. Whatever happens, every claimed slot is published or given back, and the batch's messages go
    /// back to librdkafka.
    /// </summary>
    private void TakeBatch(LibrdkafkaConsumerQueue queue, int count)
    {
        long now = _idleTimeoutTicks == long.MaxValue ? 0 : _time.GetTimestamp();
        long next = 0;      // next claimed, unwritten sequence
        long claimed = -1;  // last claimed sequence; next > claimed: none left
        int i = 0;
        try
        {
            for (; i < count; i++)
            {
                ref readonly LibrdkafkaConsumerQueue.RawMessage message = ref queue[i];
                if (message.Err != 0)
                {
                    OnConsumeEvent(queue, in message);
                    continue;
                }

                KafkaPartitionState? state = Lookup(queue, message.Topic, message.Partition);
                if (state is null)
                {
                    // Fetched before its partition was revoked in this same call: its next owner reads it.
                    continue;
                }

                if (next > claimed && !TryClaim(count - i, out next, out claimed))
                {
                    // Closed by a drain or a fault, or stopping: not published, so never committed.
                    break;
                }

                if (DecodeInto(next, state, in message, now))
                {
                    next++;
                    if (next - _unpublishedFrom >= _options.MaxPublishBatch)
                    {
                        FlushPublished();
                    }
                }
            }
        }
        catch (Exception e) when (e is not (KafkaException or KafkaSourceException))
        {
            // A decoder (or a dead-letter delivery) that throws stops the source with the record's position.
            ref readonly LibrdkafkaConsumerQueue.RawMessage message = ref queue[i];
            throw new KafkaSourceException(string.Create(CultureInfo.InvariantCulture,
                $"Kafka source '{_options.Name}': failed on {queue.TopicName(message.Topic)}/{message.Partition}@{message.Offset}: {e.GetType().Name}: {e.Message}"), e);
        }
        finally
        {
            if (next <= claimed)
            {
                // Claimed for records that were refused or never reached: handed back, unpublished.
                _claims.ReturnClaims(next - 1);
            }

            FlushPublished();
            queue.Release();
        }
    }

    /// <summary>
    /// An event in place of a record. The end of a partition makes it idle; a missing subscribed topic opens a trouble
    /// period (it may still be created within <see cref="KafkaSourceOptions.BrokerTimeout"/>); any other error stops
    /// the source.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnConsumeEvent(LibrdkafkaConsumerQueue queue, in LibrdkafkaConsumerQueue.RawMessage message)
    {
        var code = (ErrorCode)message.Err;
        if (message.Err == LibrdkafkaConsumerQueue.PartitionEof)
        {
            OnEndOfPartition(Lookup(queue, message.Topic, message.Partition));
        }
        else if (code is ErrorCode.UnknownTopicOrPart or ErrorCode.Local_UnknownTopic or ErrorCode.Local_UnknownPartition)
        {
            EnterTrouble(LibrdkafkaConsumerQueue.ReasonOf(in message));
            CheckLiveness();
        }
        else if (code == ErrorCode.Local_Fatal)
        {
            throw new KafkaException(queue.FatalError());
        }
        else
        {
            throw new KafkaException(new Error(code, LibrdkafkaConsumerQueue.ReasonOf(in message)));
        }
    }

    /// <summary>Scans completed slots, stores safe offsets, updates idleness, lag and flow control.</summary>
    private void ProgressRound()
    {
        _nextRound = Stopwatch.GetTimestamp() + _storeIntervalTicks;
        ScanCompleted();
        StoreSafeOffsets();
        CheckIdle();
        OfferIdleCommit();
        UpdateLag();
        UpdateCaughtUp();
        CheckLiveness();
    }

    /// <summary>Publishes the decoded range: the release store that hands the slots (and side entries) to the stages.</summary>
    private void FlushPublished()
    {
        if (_unpublishedFrom < 0)
        {
            return;
        }

        _sequencer.Publish(_unpublishedFrom, _unpublishedTo);
        Volatile.Write(ref _consumed, _consumed + (_unpublishedTo - _unpublishedFrom + 1));
        _unpublishedFrom = -1;
    }

    /// <summary>The assigned partition a message belongs to, or null; librdkafka's topic handle is compared, not the name.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private KafkaPartitionState? Lookup(LibrdkafkaConsumerQueue queue, nint topic, int partition)
    {
        KafkaPartitionState? last = _lastState;
        if (last is not null && last.Partition == partition && last.TopicHandle == topic)
        {
            return last;
        }

        return LookupSlow(queue, topic, partition);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private KafkaPartitionState? LookupSlow(LibrdkafkaConsumerQueue queue, nint topic, int partition)
    {
        string? name = null;
        foreach (KafkaPartitionState state in _assigned)
        {
            if (state.Partition == partition &&
                (state.TopicHandle == topic || string.Equals(state.Topic, name ??= queue.TopicName(topic), StringComparison.Ordinal)))
            {
                state.TopicHandle = topic;
                _lastState = state;
                return state;
            }
        }

        return null;
    }
}
