using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using LowLatency.Adapters.Kafka;

namespace LowLatency.Testing.Kafka;

/// <summary>
/// librdkafka's mock cluster hosted in this process: real TCP brokers on 127.0.0.1 that any process
/// (a child engine, kcat) can reach, with fault injection. The cluster lives as long as this object.
/// </summary>
/// <remarks>
/// The <c>rd_kafka_mock_*</c> functions are resolved against the very native file Confluent.Kafka loaded
/// (found through <c>/proc/self/maps</c>): loading a second librdkafka would give a second, unrelated heap
/// of globals. A standalone cluster needs an <c>rd_kafka_t</c>; a producer handle with no bootstrap
/// servers is created for it and destroyed last.
/// </remarks>
public sealed unsafe class KafkaMockCluster : IDisposable
{
    /// <summary>Kafka API keys used with <see cref="PushRequestErrors"/>.</summary>
    public const short ApiProduce = 0;

    /// <summary>The Fetch request API key.</summary>
    public const short ApiFetch = 1;

    /// <summary>The OffsetCommit request API key.</summary>
    public const short ApiOffsetCommit = 8;

    /// <summary>The Heartbeat request API key.</summary>
    public const short ApiHeartbeat = 12;

    private static readonly Lock s_loadLock = new();
    private static NativeApi? s_api;

    private readonly NativeApi _api;
    private readonly Lock _lock = new();
    private nint _handle;
    private nint _cluster;

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers.</summary>
    /// <param name="brokers">Broker count (ids 1..N).</param>
    /// <param name="initialRebalanceDelayMs">
    /// The mock coordinator's <c>group.initial.rebalance.delay.ms</c> (its own default is 3000, longer than
    /// the short session timeouts tests use, so a first member would time out while it waits).
    /// </param>
    public KafkaMockCluster(int brokers = 1, int initialRebalanceDelayMs = 100)
    {
        _api = LoadApi();
        BrokerCount = brokers;
        nint conf = _api.ConfNew();
        Set(conf, "client.id", "lowlatency-mock-host");
        if (Environment.GetEnvironmentVariable("LOWLATENCY_MOCK_DEBUG") is { Length: > 0 } debug)
        {
            Set(conf, "debug", debug);
        }
        else
        {
            Set(conf, "log_level", "0");
        }

        byte* error = stackalloc byte[512];
        _handle = _api.New(0, conf, error, 512);
        if (_handle == 0)
        {
            throw new InvalidOperationException("rd_kafka_new failed: " + Marshal.PtrToStringUTF8((nint)error));
        }

        _cluster = _api.ClusterNew(_handle, brokers);
        if (_cluster == 0)
        {
            _api.Destroy(_handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed.");
        }

        _api.InitialRebalanceDelay(_cluster, initialRebalanceDelayMs);
        BootstrapServers = Marshal.PtrToStringUTF8(_api.Bootstraps(_cluster)) ?? throw new InvalidOperationException("no bootstrap address");
    }

    /// <summary>Comma-separated <c>host:port</c> list of the brokers.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers (ids 1..N).</summary>
    public int BrokerCount { get; }

    /// <summary>Creates a topic with exactly <paramref name="partitions"/> partitions (CreateTopics is not supported by the mock).</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        int err = WithCluster(c => { fixed (byte* t = Utf8(topic)) { return _api.TopicCreate(c, t, partitions, replicationFactor); } });
        Check(err, $"create topic {topic}");
    }

    /// <summary>The sum of <paramref name="group"/>'s committed offsets over the topic's first <paramref name="partitions"/> partitions (none counts 0).</summary>
    public long CommittedTotal(string topic, string group, int partitions)
    {
        var config = new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = group, EnableAutoCommit = false };
        using IConsumer<Ignore, Ignore> consumer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, _) => { }).Build();
        return consumer.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(10))
            .Sum(c => Math.Max(0, c.Offset.Value));
    }

    /// <summary>Takes a broker down (its connections close and it refuses new ones) until <see cref="SetBrokerUp"/>.</summary>
    public void SetBrokerDown(int brokerId) => Check(WithCluster(c => _api.BrokerSetDown(c, brokerId)), "broker down");

    /// <summary>Brings a broker back.</summary>
    public void SetBrokerUp(int brokerId) => Check(WithCluster(c => _api.BrokerSetUp(c, brokerId)), "broker up");

    /// <summary>Adds a round-trip time to every response of a broker.</summary>
    public void SetBrokerRtt(int brokerId, int rttMs) => Check(WithCluster(c => _api.BrokerSetRtt(c, brokerId, rttMs)), "broker rtt");

    /// <summary>Makes the next requests of one API fail with these error codes, in order, on whichever broker gets them.</summary>
    public void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        int[] codes = Array.ConvertAll(errors, e => (int)e);
        WithCluster(c =>
        {
            fixed (int* p = codes)
            {
                _api.PushRequestErrorsArray(c, apiKey, (nuint)codes.Length, p);
            }

            return 0;
        });
    }

    /// <summary>Producer settings for this cluster that tests share.</summary>
    public ProducerConfig ProducerConfig() => new()
    {
        BootstrapServers = BootstrapServers,
        EnableIdempotence = true,
        LingerMs = 5,
    };

    /// <summary>Stops the brokers and frees the native handle.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            nint cluster = _cluster;
            nint handle = _handle;
            _cluster = 0;
            _handle = 0;
            NativeApi api = _api;
            void Destroy()
            {
                if (cluster != 0)
                {
                    api.ClusterDestroy(cluster);
                }

                if (handle != 0)
                {
                    api.Destroy(handle);
                }
            }

            // librdkafka's destroy has no bound of its own; a lab run or a test must not inherit a hang of it.
            if (!KafkaClientTeardown.TryRun(Destroy, KafkaClientTeardown.DefaultBound, "kafka-mock/destroy"))
            {
                Console.Error.WriteLine("lowlatency: warning: librdkafka's destroy of the embedded mock cluster did not return within 10 s; it was abandoned.");
            }
        }
    }

    private int WithCluster(Func<nint, int> call)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_cluster == 0, this);
            return call(_cluster);
        }
    }

    private void Set(nint conf, string name, string value)
    {
        byte* error = stackalloc byte[512];
        fixed (byte* n = Utf8(name))
        fixed (byte* v = Utf8(value))
        {
            if (_api.ConfSet(conf, n, v, error, 512) != 0)
            {
                throw new InvalidOperationException($"rd_kafka_conf_set {name}: " + Marshal.PtrToStringUTF8((nint)error));
            }
        }
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s + "\0");

    private static void Check(int err, string what)
    {
        if (err != 0)
        {
            throw new InvalidOperationException($"mock cluster: {what} failed with {(ErrorCode)err}.");
        }
    }

    private static NativeApi LoadApi()
    {
        lock (s_loadLock)
        {
            return s_api ??= NativeApi.Resolve(LoadedLibrdkafka());
        }
    }

    /// <summary>The librdkafka file Confluent.Kafka has mapped into this process.</summary>
    public static string LoadedLibrdkafka()
    {
        // Building a client makes Confluent.Kafka pick and load its native library.
        using (new ProducerBuilder<Null, Null>(new ProducerConfig { BootstrapServers = "127.0.0.1:1", LogQueue = false }).SetLogHandler((_, _) => { }).Build())
        {
        }

        return LibrdkafkaConsumerQueue.LoadedLibraryPath();
    }

    private sealed class NativeApi
    {
        public delegate* unmanaged<nint> ConfNew;
        public delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int> ConfSet;
        public delegate* unmanaged<int, nint, byte*, nuint, nint> New;
        public delegate* unmanaged<nint, void> Destroy;
        public delegate* unmanaged<nint, int, nint> ClusterNew;
        public delegate* unmanaged<nint, void> ClusterDestroy;
        public delegate* unmanaged<nint, nint> Bootstraps;
        public delegate* unmanaged<nint, byte*, int, int, int> TopicCreate;
        public delegate* unmanaged<nint, int, int> BrokerSetDown;
        public delegate* unmanaged<nint, int, int> BrokerSetUp;
        public delegate* unmanaged<nint, int, int, int> BrokerSetRtt;
        public delegate* unmanaged<nint, short, nuint, int*, void> PushRequestErrorsArray;
        public delegate* unmanaged<nint, int, void> InitialRebalanceDelay;

        public static NativeApi Resolve(string path)
        {
            nint lib = NativeLibrary.Load(path);
            return new NativeApi
            {
                ConfNew = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "rd_kafka_conf_new"),
                ConfSet = (delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int>)NativeLibrary.GetExport(lib, "rd_kafka_conf_set"),
                New = (delegate* unmanaged<int, nint, byte*, nuint, nint>)NativeLibrary.GetExport(lib, "rd_kafka_new"),
                Destroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "rd_kafka_destroy"),
                ClusterNew = (delegate* unmanaged<nint, int, nint>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_new"),
                ClusterDestroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_destroy"),
                Bootstraps = (delegate* unmanaged<nint, nint>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_bootstraps"),
                TopicCreate = (delegate* unmanaged<nint, byte*, int, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_topic_create"),
                BrokerSetDown = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_broker_set_down"),
                BrokerSetUp = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_broker_set_up"),
                BrokerSetRtt = (delegate* unmanaged<nint, int, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_broker_set_rtt"),
                PushRequestErrorsArray = (delegate* unmanaged<nint, short, nuint, int*, void>)NativeLibrary.GetExport(lib, "rd_kafka_mock_push_request_errors_array"),
                InitialRebalanceDelay = (delegate* unmanaged<nint, int, void>)NativeLibrary.GetExport(lib, "rd_kafka_mock_group_initial_rebalance_delay_ms"),
            };
        }
    }
}
