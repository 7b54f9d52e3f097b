using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using LowLatency.Engine;
using LowLatency.Engine.Flow;
using LowLatency.Engine.Pipelines;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// Pushes live values to WebSocket clients. Producers publish through <see cref="LivePublisher"/>s into an engine
/// ring; one fan-out thread (the ring's only stage) hands each update to the connections whose subscription wants
/// it, and each connection keeps only the newest unsent value per (topic, key) in a bounded queue. A slow client
/// therefore sees fewer, fresher updates and costs a bounded amount of memory; the producers never wait on a socket.
/// </summary>
/// <remarks>
/// Register topics, <see cref="Start"/>, then serve <see cref="HandleAsync"/> on a WebSocket route: with its own
/// Kestrel (<see cref="WebSocketServer"/>) or mapped into a host's app (<see cref="WebSocketEndpoints.MapLiveUpdates"/>).
/// </remarks>
public sealed partial class WebSocketHub : IAsyncDisposable
{
    private static readonly Regex s_name = new("^[A-Za-z0-9_.-]{1,64}$", RegexOptions.CultureInvariant);
    private static readonly string[] s_reserved = ["type", "topic", "key", "time"];

    /// <summary>The most updates the fan-out thread hands to a connection under one lock.</summary>
    internal const int FanOutBatch = 256;

    private readonly List<LiveTopic> _topics = [];
    private readonly Lock _registry = new();
    private Pipeline<LiveUpdate>? _pipeline;
    private LiveTopic[] _topicArray = [];

    // Fan-out thread only.
    private KeyActivity?[] _activity = [];
    private long[][] _busiest = [];
    private long _nextBusiest;

    /// <summary>Creates a hub; add topics, then <see cref="Start"/>.</summary>
    public WebSocketHub(WebSocketHubOptions? options = null)
    {
        Options = options ?? WebSocketHubOptions.Default;
        Options.Validate();
        _tokenHash = Options.Token is null ? null : HashToken(Options.Token);
    }

    /// <summary>The hub's limits and sizes.</summary>
    public WebSocketHubOptions Options { get; }

    /// <summary>The registered topics, by id.</summary>
    public IReadOnlyList<LiveTopic> Topics => _topics;

    /// <summary>True between <see cref="Start"/> and <see cref="DisposeAsync"/>.</summary>
    public bool IsRunning => _pipeline is not null && !_stopping;

    internal LiveTopic[] TopicArray => _topicArray;

    internal int MaxFrameBytes { get; private set; }

    /// <summary>
    /// The most memory the hub's own buffers take per connection (after <see cref="Start"/>): the conflating queue
    /// (<see cref="WebSocketHubOptions.QueueCapacity"/> updates and its key index), one frame's batch and encoding
    /// buffer, and the inbound message buffer. Kestrel's and the kernel's socket buffers come on top.
    /// </summary>
    public long BufferBytesPerConnection
    {
        get
        {
            long fifo = (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Options.QueueCapacity);
            long queue = (fifo * (sizeof(long) + Unsafe.SizeOf<LiveUpdate>())) + (2 * fifo * (sizeof(long) + sizeof(int)));
            long batch = (long)Options.MaxUpdatesPerFrame * Unsafe.SizeOf<LiveUpdate>();
            return queue + batch + MaxFrameBytes + Options.MaxMessageBytes + 1;
        }
    }

    /// <summary>Registers a topic (before <see cref="Start"/>).</summary>
    /// <param name="name">What clients subscribe to: 1–64 of <c>A–Z a–z 0–9 _ . -</c>.</param>
    /// <param name="fields">Field names (same alphabet; not <c>type</c>, <c>topic</c>, <c>key</c>, <c>time</c>), at most <see cref="LiveValues.Capacity"/>.</param>
    /// <param name="defaultFeed">What a client that never subscribed receives of it.</param>
    /// <param name="busiestKeys">Under <see cref="DefaultFeed.BusiestKeys"/>: how many keys.</param>
    /// <param name="keyNames">Display names of keys, sent to clients in the hello message.</param>
    /// <param name="busiestBy">Under <see cref="DefaultFeed.BusiestKeys"/>: rank keys by the sum of this field over the last second (null: by number of updates, which says nothing when every key updates once a second, as window results do).</param>
    public LiveTopic AddTopic(string name, IReadOnlyList<string> fields, DefaultFeed defaultFeed = DefaultFeed.None, int busiestKeys = 8, IReadOnlyDictionary<long, string>? keyNames = null, string? busiestBy = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(fields);
        if (_pipeline is not null)
        {
            throw new InvalidOperationException("Topics are registered before Start.");
        }

        if (!s_name.IsMatch(name) || FindTopic(name) is not null)
        {
            throw new ArgumentException($"Topic name '{name}' must be 1–64 of A–Z a–z 0–9 _ . - and unique.", nameof(name));
        }

        if (fields.Count > LiveValues.Capacity || _topics.Count > byte.MaxValue)
        {
            throw new ArgumentException($"A topic has at most {LiveValues.Capacity} fields and a hub at most 256 topics.", nameof(fields));
        }

        foreach (string field in fields)
        {
            if (!s_name.IsMatch(field) || Array.IndexOf(s_reserved, field) >= 0 || fields.Count(f => f == field) > 1)
            {
                throw new ArgumentException($"Field '{field}' of topic '{name}' must be 1–64 of A–Z a–z 0–9 _ . -, unique, and not one of {string.Join(", ", s_reserved)}.", nameof(fields));
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(busiestKeys, 1);
        if (busiestBy is not null && !fields.Contains(busiestBy))
        {
            throw new ArgumentException($"busiestBy '{busiestBy}' is not a field of topic '{name}'.", nameof(busiestBy));
        }

        var topic = new LiveTopic(_topics.Count, name, [.. fields], defaultFeed, busiestKeys, busiestBy, keyNames);
        _topics.Add(topic);
        return topic;
    }

    /// <summary>Starts the fan-out thread. Topics are fixed from here on.</summary>
    public void Start()
    {
        if (_pipeline is not null)
        {
            throw new InvalidOperationException("The hub is already started.");
        }

        _topicArray = [.. _topics];
        MaxFrameBytes = FrameEncoder.MaxFrameBytes(_topicArray, Options.MaxUpdatesPerFrame);
        _activity = Array.ConvertAll(_topicArray, t => t.DefaultFeed == DefaultFeed.BusiestKeys ? new KeyActivity(t.BusiestKeys, t.BusiestByIndex) : null);
        _busiest = Array.ConvertAll(_topicArray, _ => Array.Empty<long>());
        _nextBusiest = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        var pipeline = Pipeline<LiveUpdate>.Create(PipelineOptions.Default with
        {
            Name = Options.Name,
            Capacity = Options.IngressCapacity,
            ProducerType = ProducerType.Multi,
            WaitStrategy = WaitStrategyKind.Blocking,
        });
        pipeline.HandleBatchesWith(new FanOutHandler(this), Engine.Processing.StageOptions.Default with { Name = "fan-out", MaxBatchSize = FanOutBatch });
        pipeline.Start();
        _pipeline = pipeline;
        WebSocketTelemetry.Register(this);
    }

    /// <summary>A publisher for one producing thread (see <see cref="LivePublisher"/>).</summary>
    public LivePublisher CreatePublisher(string name = "publisher")
    {
        Pipeline<LiveUpdate> pipeline = _pipeline ?? throw new InvalidOperationException("Start the hub before creating publishers.");
        EventSource<LiveUpdate> source = pipeline.CreateSource(
            EventSourceOptions.Default with
            {
                Name = name,
                Policy = OverflowPolicy.Conflate,
                ConflationCapacity = Options.PublisherConflationCapacity,
            },
            static (in LiveUpdate u) => u.ConflationKey);
        return new LivePublisher(source, _topicArray.Length);
    }

    /// <summary>The topic named <paramref name="name"/>, or null.</summary>
    public LiveTopic? FindTopic(string name) => _topics.Find(t => t.Name == name);

    /// <summary>
    /// Fan-out thread: offers a batch of updates to every connection, one lock per connection per batch (a batch is
    /// at most <see cref="FanOutBatch"/> updates, which bounds how long a connection's sender can wait for the lock).
    /// </summary>
    internal void FanOut(ReadOnlySpan<LiveUpdate> batch)
    {
        long start = Stopwatch.GetTimestamp();
        foreach (ref readonly LiveUpdate update in batch)
        {
            _activity[update.Topic]?.Count(in update);
        }

        foreach (LiveConnection connection in _connections)
        {
            connection.Offer(batch, _topicArray, _busiest);
        }

        long now = Stopwatch.GetTimestamp();
        if (now >= _nextBusiest)
        {
            RefreshBusiest(now);
        }

        // Behind: yield the core for a while (FanOutDutyCycle). Only this thread waits; publishers conflate.
        long took = now - start;
        if (took > Stopwatch.Frequency / 1000 && Options.FanOutDutyCycle < 1)
        {
            Thread.Sleep(TimeSpan.FromSeconds(took * ((1 / Options.FanOutDutyCycle) - 1) / Stopwatch.Frequency));
        }
    }

    private void RefreshBusiest(long now)
    {
        // Once a second, not per event: a few small arrays.
        _nextBusiest = now + Stopwatch.Frequency;
        for (int i = 0; i < _activity.Length; i++)
        {
            if (_activity[i] is { } activity)
            {
                _busiest[i] = activity.TakeBusiest();
            }
        }
    }
}
