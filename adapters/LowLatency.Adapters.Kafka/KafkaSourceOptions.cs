using Microsoft.Extensions.Logging;

namespace LowLatency.Adapters.Kafka;

/// <summary>Options of a <see cref="KafkaSource{T}"/>. Immutable: change with <c>with</c>; checked when the source is built.</summary>
public sealed record KafkaSourceOptions
{
    /// <summary>Stop at 75 % ring occupancy (pause after 1 s there), resume at 25 %, store offsets every 50 ms, commit every 200 ms.</summary>
    public static KafkaSourceOptions Default { get; } = new();

    /// <summary>The source's name in metrics and its poll thread's name.</summary>
    public string Name { get; init; } = "kafka-source";

    /// <summary>Kafka <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; init; } = "localhost:9092";

    /// <summary>Consumer group id; the group's committed offsets are where a restarted source resumes.</summary>
    public string GroupId { get; init; } = "lowlatency";

    /// <summary>Topics to subscribe to.</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>Stop consuming when the ring is at least this full (fraction of capacity); pause partitions if it stays so for <see cref="PauseAfter"/>.</summary>
    public double PauseAtOccupancy { get; init; } = 0.75;

    /// <summary>Resume once the ring has drained to this occupancy (fraction of capacity); below <see cref="PauseAtOccupancy"/>.</summary>
    public double ResumeAtOccupancy { get; init; } = 0.25;

    /// <summary>
    /// Records already queued in librdkafka are decoded back to back and published as one range of at most
    /// this many (one release store and one stage wake-up per range); a range is published as soon as no
    /// record is queued. 1 publishes every record on its own.
    /// </summary>
    public int MaxPublishBatch { get; init; } = 64;

    /// <summary>
    /// How long the ring may stay at the pause mark before partitions are paused. Below it the source just
    /// stops consuming and librdkafka's bounded prefetch absorbs the stall (pausing drops the prefetch and
    /// costs a fetch round trip on resume, so pausing on every short burst would be slower, not safer).
    /// Rebalance callbacks wait at most this long, since the consumer is not polled meanwhile.
    /// </summary>
    public TimeSpan PauseAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often completed events' offsets are handed to librdkafka (offset store).</summary>
    public TimeSpan StoreInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often librdkafka commits the stored offsets (<c>auto.commit.interval.ms</c>); what a crash can replay.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a consume call waits for a record when none is queued.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long a revocation waits, at most, for in-flight events to complete and for the commit gates to
    /// pass them (it stops earlier once the pipeline is done and the gates stop advancing); then it commits
    /// what is safe and abandons the rest to the next owner (duplicates, never loss).
    /// </summary>
    public TimeSpan RevocationTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long <see cref="KafkaSource{T}.StopAsync"/> waits for in-flight events to complete before the final commit.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the stop waits, after the final commit, for librdkafka to leave the group and free the client. Past
    /// it the client is abandoned (its threads end with the process) and <see cref="KafkaSource{T}.Completion"/>
    /// faults saying so: a librdkafka close or destroy that does not return cannot hold the host.
    /// </summary>
    public TimeSpan CloseTimeout { get; init; } = KafkaClientTeardown.DefaultBound;

    /// <summary>Group <c>session.timeout.ms</c>: how fast a dead member is noticed (and how long a restart waits to rejoin).</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Watermark bound: events may arrive up to this many ticks out of order per partition (W = maxTs − bound − 1).</summary>
    public long MaxOutOfOrderness { get; init; }

    /// <summary>A partition with no record for this long (not counted while paused) stops holding the watermark back; null: only at its end offset.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Extra librdkafka consumer settings; cannot override the ones the source's guarantees depend on.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// How long the source waits, at most, for the outside world: no broker answering (unreachable or
    /// unresolvable bootstrap servers, every broker lost mid-run) or a subscribed topic missing. Past it
    /// <see cref="KafkaSource{T}.Completion"/> faults with one line
    /// saying what it waited for. 30 s by default.
    /// </summary>
    public TimeSpan BrokerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where malformed records go (raw value, headers <c>lowlatency.source.topic/partition/offset</c> and
    /// <c>lowlatency.reason</c>), each acknowledged before the source commits past it; null: counted and skipped only.
    /// </summary>
    public string? DeadLetterTopic { get; init; }

    /// <summary>The source's log (trouble, recovery, faults, librdkafka's own lines at their level); none when null.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Checks every option; throws <see cref="ArgumentException"/> whose one-line message names the first invalid one. The source calls it when built; hosts may call it earlier (at start-up, from a CLI).</summary>
    public void Validate()
    {
        KafkaOptionGuard.CheckBootstrap("KafkaSourceOptions.BootstrapServers", BootstrapServers);

        if (string.IsNullOrWhiteSpace(GroupId))
        {
            KafkaOptionGuard.ThrowOption("KafkaSourceOptions.GroupId", GroupId, "must not be empty.");
        }

        if (Topics is null || Topics.Count == 0)
        {
            KafkaOptionGuard.ThrowOption("KafkaSourceOptions.Topics", Topics?.Count, "must list at least one topic.");
        }

        if (!(PauseAtOccupancy > 0 && PauseAtOccupancy <= 1))
        {
            KafkaOptionGuard.ThrowOption("KafkaSourceOptions.PauseAtOccupancy", PauseAtOccupancy, "must be in (0, 1].");
        }

        if (!(ResumeAtOccupancy >= 0 && ResumeAtOccupancy < PauseAtOccupancy))
        {
            KafkaOptionGuard.ThrowOption("KafkaSourceOptions.ResumeAtOccupancy", ResumeAtOccupancy, "must be ≥ 0 and below PauseAtOccupancy (hysteresis).");
        }

        if (MaxPublishBatch < 1)
        {
            KafkaOptionGuard.ThrowOption("KafkaSourceOptions.MaxPublishBatch", MaxPublishBatch, "must be ≥ 1.");
        }

        CheckPositive("KafkaSourceOptions.PauseAfter", PauseAfter);
        CheckPositive("KafkaSourceOptions.StoreInterval", StoreInterval);
        CheckPositive("KafkaSourceOptions.CommitInterval", CommitInterval);
        CheckPositive("KafkaSourceOptions.PollTimeout", PollTimeout);
        CheckPositive("KafkaSourceOptions.RevocationTimeout", RevocationTimeout);
        CheckPositive("KafkaSourceOptions.StopTimeout", StopTimeout);
        CheckPositive("KafkaSourceOptions.CloseTimeout", CloseTimeout);
        CheckPositive("KafkaSourceOptions.SessionTimeout", SessionTimeout);
        CheckPositive("KafkaSourceOptions.BrokerTimeout", BrokerTimeout);
        if (IdleTimeout is { } idle)
        {
            CheckPositive("KafkaSourceOptions.IdleTimeout", idle);
        }

        if (MaxOutOfOrderness < 0)
        {
            KafkaOptionGuard.ThrowOption("KafkaSourceOptions.MaxOutOfOrderness", MaxOutOfOrderness, "must be ≥ 0.");
        }

        if (DeadLetterTopic is not null && (string.IsNullOrWhiteSpace(DeadLetterTopic) || Topics.Contains(DeadLetterTopic)))
        {
            KafkaOptionGuard.ThrowOption("KafkaSourceOptions.DeadLetterTopic", DeadLetterTopic, "must name a topic other than the input topics.");
        }

        foreach (string key in Settings.Keys)
        {
            if (KafkaReservedSettings.Consumer.Contains(key))
            {
                KafkaOptionGuard.ThrowOption("KafkaSourceOptions.Settings", key, "is set by the source itself (its commit guarantee depends on it).");
            }
        }
    }

    private static void CheckPositive(string option, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            KafkaOptionGuard.ThrowOption(option, value, "must be positive.");
        }
    }
}
