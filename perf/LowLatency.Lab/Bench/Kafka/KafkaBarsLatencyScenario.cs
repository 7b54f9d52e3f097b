using System.Diagnostics;
using Confluent.Kafka;
using LowLatency.Adapters.Kafka;
using LowLatency.Testing.Kafka;

namespace LowLatency.Lab.Bench.Kafka;

/// <summary>
/// End-to-end latency of the bars job (<see cref="KafkaBarsWorker"/>) on the mock cluster, at least once or
/// exactly once at a commit interval: ticks are fed at a fixed rate, and each bar's latency runs from the
/// <b>intended produce time</b> of the tick that closed its window (the key's next tick; a late feeder does not
/// shorten it) to the moment a <c>read_committed</c> consumer can count it (both consumers fetch.wait.max.ms = 1: see
/// <see cref="FetchAtOnce"/>). At least
/// once that is when the consumer reads it. Exactly once it is the later of that and the moment the consumer
/// reads the epoch's commit record in the state topic (<see cref="KafkaTaskLog"/>): the mock shows open
/// transactions, so the commit record — written in the same transaction, just before <c>CommitTransaction</c> —
/// is when the output is committed; a real broker adds the <c>SendOffsetsToTransaction</c> and
/// <c>CommitTransaction</c> round trips on top.
/// </summary>
/// <remarks>
/// The rate is the figure's load, not its result: the table's events/s is the paced rate over the run including
/// the drain. Each run feeds 4 s (fewer under <c>--quick</c>) to fresh topics and a fresh group; see <see cref="WarmUp"/>.
/// </remarks>
internal sealed class KafkaBarsLatencyScenario(TimeSpan? commitInterval) : IBenchScenario
{
    /// <summary>Ticks per second fed (all keys together).</summary>
    public const int Rate = 20_000;

    private const int WindowSize = 100; // tick times step by 10: a bar per key every 10 ticks, 2 000 bars/s in all
    private const long MaxEvents = Rate * 4L;

    /// <summary>
    /// Bars closed by ticks of a run's first 500 ms are not counted: the first produce to a fresh topic waits for
    /// its metadata (the first bars of a run took ~370 ms on this box), which is set-up, not the steady state.
    /// </summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The mock answers a fetch that finds no data only after the whole fetch.wait.max.ms (librdkafka's default:
    /// 500 ms), even if data arrives meanwhile — a real broker answers as soon as fetch.min.bytes are there. At
    /// 1 ms the worker's source and the reader see a record within a millisecond of its arrival, as on a broker.
    /// </summary>
    private static readonly Dictionary<string, string> FetchAtOnce = new() { ["fetch.wait.max.ms"] = "1" };

    public string Name => commitInterval is { } interval ? $"kafka-latency-exactly-once-{interval.TotalMilliseconds:0}ms" : "kafka-latency-at-least-once";

    public string Group => "kafka-latency";

    public string Description => $"bars job fed {Rate / 1000} k ticks/s: tick's intended produce time → bar countable by a read_committed reader (p50/p99 ms), " +
        (commitInterval is { } interval ? $"exactly once, commit every {interval.TotalMilliseconds:0} ms" : "at least once");

    public BenchResult Run(BenchContext context)
    {
        int keys = KafkaBenchCluster.Keys;
        long events = Math.Max(keys * 20, Math.Min(context.Events, MaxEvents) / keys * keys);
        string group = KafkaBenchCluster.NewGroup(Name);
        string ticks = $"{group}-ticks", bars = $"{group}-bars", state = $"{group}-state";
        KafkaBenchCluster.CreateTopic(ticks);
        KafkaBenchCluster.CreateTopic(bars);
        KafkaExactlyOnceOptions? exactlyOnce = null;
        if (commitInterval is { } interval)
        {
            KafkaBenchCluster.CreateTopic(state);
            exactlyOnce = KafkaExactlyOnceOptions.Default with { StateTopic = state, TransactionalId = group, CommitInterval = interval };
        }

        KafkaBarsWorker worker = KafkaBarsWorker.Start(KafkaBenchCluster.BootstrapServers, ticks, bars, group, windowSize: WindowSize, ringCapacity: 1 << 16,
            maxKeys: keys, exactlyOnce: exactlyOnce, sourceSettings: FetchAtOnce);
        try
        {
            KafkaBarsScenario.WaitFor(() => worker.Source.IsCaughtUp, TimeSpan.FromMinutes(1), worker, "the worker did not join (assigned, restored, at the input's end)");
            using var reader = new CommittedBarReader(bars, exactlyOnce is null ? null : state, keys, events);
            var feeder = new PacedTickFeed(ticks, keys, events);
            BenchMeasurement measurement = BenchMeasurement.Start();
            feeder.Start();
            DateTime deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1) + (events / Rate * TimeSpan.FromSeconds(1));
            while (!(feeder.Done && worker.Windows.Ticks == events && reader.Counted == worker.Windows.Bars))
            {
                if (DateTime.UtcNow > deadline || worker.Failure is not null || feeder.Failure is not null)
                {
                    throw new TimeoutException($"{Name}: {reader.Counted}/{worker.Windows.Bars} bars countable, feeder done={feeder.Done} {feeder.Failure}: {worker.Failure ?? worker.ToString()}");
                }

                reader.ReadFor(feeder.StartTimestamp, TimeSpan.FromMilliseconds(20));
            }

            BenchResult measured = measurement.Stop(events);
            feeder.Join();
            return measured with { Figures = reader.Figures() };
        }
        finally
        {
            worker.StopAsync().GetAwaiter().GetResult();
            worker.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Produces tick i (key i % keys, seq i / keys + 1) at <c>start + i / Rate</c> on its own thread, through one
    /// producer kept for the process (its broker connection and producer id are set up once, by the warm-up runs)
    /// that has fetched the fresh topic's metadata before the clock starts.
    /// </summary>
    private sealed class PacedTickFeed
    {
        private static readonly Lazy<IProducer<Null, byte[]>> s_producer = new(() => new ProducerBuilder<Null, byte[]>(
            new ProducerConfig { BootstrapServers = KafkaBenchCluster.BootstrapServers, EnableIdempotence = true, LingerMs = 0 }).SetLogHandler((_, _) => { }).Build());

        private readonly string _topic;
        private readonly int _keys;
        private readonly long _events;
        private volatile bool _done;
        private Thread? _thread;

        public PacedTickFeed(string topic, int keys, long events)
        {
            _topic = topic;
            _keys = keys;
            _events = events;
            using IAdminClient metadata = new DependentAdminClientBuilder(s_producer.Value.Handle).Build();
            if (metadata.GetMetadata(topic, TimeSpan.FromSeconds(30)).Topics is not [{ Error.IsError: false, Partitions.Count: KafkaBenchCluster.Partitions }])
            {
                throw new InvalidOperationException($"kafka-latency: no metadata for '{topic}' within 30 s.");
            }
        }

        public long StartTimestamp { get; private set; }

        public bool Done => _done;

        public Exception? Failure { get; private set; }

        public void Start()
        {
            StartTimestamp = Stopwatch.GetTimestamp();
            _thread = new Thread(Feed) { Name = "kafka-latency-feed", IsBackground = true };
            _thread.Start();
        }

        public void Join() => _thread?.Join();

        private void Feed()
        {
            try
            {
                IProducer<Null, byte[]> producer = s_producer.Value;
                TopicPartition[] partitions = TickFeed.PartitionsOf(_topic, KafkaBenchCluster.Partitions);
                Action<DeliveryReport<Null, byte[]>> onDelivery = report => Failure ??= report.Error.IsError ? new KafkaException(report.Error) : null;
                var random = new Random(1);
                for (long i = 0; i < _events;)
                {
                    long due = (long)((Stopwatch.GetTimestamp() - StartTimestamp) / (double)Stopwatch.Frequency * Rate);
                    for (; i < _events && i <= due; i++)
                    {
                        int key = (int)(i % _keys);
                        long seq = (i / _keys) + 1;
                        var tick = new Tick { Key = key, Seq = seq, Time = seq * 10, Price = random.Next(1, 1000) };
                        TickFeed.ProduceOne(producer, partitions[key % partitions.Length], in tick, onDelivery);
                    }

                    producer.Poll(TimeSpan.Zero);
                    Thread.Sleep(1);
                }

                producer.Flush(TimeSpan.FromSeconds(30));
            }
            catch (Exception e)
            {
                Failure = e;
            }

            _done = true;
        }
    }

    /// <summary>
    /// A read_committed consumer of the bars (and, exactly once, the state topic): records each bar's latency
    /// when it becomes countable.
    /// </summary>
    private sealed class CommittedBarReader : IDisposable
    {
        private readonly IConsumer<Ignore, byte[]> _consumer;
        private readonly string _bars;
        private readonly int _keys;
        private readonly KafkaTaskLog[] _logs;
        private readonly Dictionary<(ulong Token, long Epoch), List<long>> _waiting = [];
        private readonly List<double> _latenciesMs;
        private long _start;
        private long _counted;

        public CommittedBarReader(string bars, string? state, int keys, long events)
        {
            _bars = bars;
            _keys = keys;
            _latenciesMs = new List<double>((int)(events / 10) + keys);
            _logs = new KafkaTaskLog[KafkaBenchCluster.Partitions];
            for (int p = 0; p < _logs.Length; p++)
            {
                _logs[p] = new KafkaTaskLog();
            }

            var config = new ConsumerConfig
            {
                BootstrapServers = KafkaBenchCluster.BootstrapServers,
                GroupId = $"{bars}-reader",
                IsolationLevel = IsolationLevel.ReadCommitted,
                EnableAutoCommit = false,
                FetchWaitMaxMs = 1,
                FetchMinBytes = 1,
            };
            _consumer = new ConsumerBuilder<Ignore, byte[]>(config).SetLogHandler((_, _) => { }).Build();
            List<TopicPartitionOffset> assignment = [.. Enumerable.Range(0, KafkaBenchCluster.Partitions).Select(p => new TopicPartitionOffset(bars, p, Offset.Beginning))];
            if (state is not null)
            {
                assignment.AddRange(Enumerable.Range(0, KafkaBenchCluster.Partitions).Select(p => new TopicPartitionOffset(state, p, Offset.Beginning)));
            }

            _consumer.Assign(assignment);
        }

        /// <summary>Bars countable so far, the warm-up's included.</summary>
        public long Counted => _counted;

        public void ReadFor(long start, TimeSpan span)
        {
            _start = start;
            long until = Stopwatch.GetTimestamp() + (long)(span.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < until && _consumer.Consume(1) is { } result)
            {
                if (result.Topic == _bars)
                {
                    OnBar(result);
                }
                else
                {
                    OnStateRecord(result);
                }
            }
        }

        public Dictionary<string, double> Figures()
        {
            double[] sorted = [.. _latenciesMs.Order()];
            return new Dictionary<string, double>
            {
                ["latencyP50Ms"] = sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2],
                ["latencyP99Ms"] = sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))],
                ["latencyMaxMs"] = sorted.Length == 0 ? double.NaN : sorted[^1],
                ["bars"] = sorted.Length,
            };
        }

        public void Dispose()
        {
            _consumer.Close();
            _consumer.Dispose();
        }

        private void OnBar(ConsumeResult<Ignore, byte[]> result)
        {
            Bar bar = default;
            if (!BarCodec.Instance.TryDecode(result.Message.Value, ref bar))
            {
                throw new InvalidOperationException($"kafka-latency: a malformed bar at {result.TopicPartitionOffset}.");
            }

            // The window closed on the key's next tick: tick index seq × keys + key, seq = LastSeq + 1 (1-based).
            long closedBy = _start + (long)(((bar.LastSeq * _keys) + bar.Key) / (double)Rate * Stopwatch.Frequency);
            if (!KafkaTransactionTag.TryRead(result.Message.Headers, out ulong token, out long epoch) || IsCommitted(token, epoch))
            {
                Count(closedBy);
                return;
            }

            if (!_waiting.TryGetValue((token, epoch), out List<long>? waiting))
            {
                _waiting[(token, epoch)] = waiting = [];
            }

            waiting.Add(closedBy);
        }

        private void OnStateRecord(ConsumeResult<Ignore, byte[]> result)
        {
            KafkaTaskRecord? record = KafkaTaskRecord.TryDecode(result.Message.Value);
            _logs[result.Partition.Value].Add(result.Offset.Value, record);
            if (record is { Kind: KafkaTaskRecordKind.Commit } && _waiting.Remove((record.Token, record.Epoch), out List<long>? waiting)
                && IsCommitted(record.Token, record.Epoch))
            {
                foreach (long closedBy in waiting)
                {
                    Count(closedBy);
                }
            }
        }

        private bool IsCommitted(ulong token, long epoch)
        {
            foreach (KafkaTaskLog log in _logs)
            {
                if (log.IsCommitted(token, epoch))
                {
                    return true;
                }
            }

            return false;
        }

        private void Count(long closedBy)
        {
            _counted++;
            if (closedBy - _start >= WarmUp.TotalSeconds * Stopwatch.Frequency)
            {
                _latenciesMs.Add(Stopwatch.GetElapsedTime(closedBy).TotalMilliseconds);
            }
        }
    }
}
