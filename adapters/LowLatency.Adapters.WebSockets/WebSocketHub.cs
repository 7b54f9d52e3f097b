using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using LowLatency.Engine;
using LowLatency.Engine.Flow;
using LowLatency.Engine.Pipelines;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// Pushes live values to WebSocket clients. Producers publish through <see cref="LivePublisher"/>s into an engine
/// ring; one fan-out thread (the ring's only stage) writes each update into one table of the newest value per
/// (topic, key) and a log of changes, then wakes the connections that wait for updates. Each connection's send loop
/// reads the log at its own pace, one frame in flight at a time, and sends the newest values its subscription
/// wants. A slow client therefore sees fewer, fresher updates; a stalled one costs nothing per update; memory is
/// bounded (<see cref="WebSocketHubOptions.MaxBufferBytes"/>); the producers never wait on a socket.
/// </summary>
/// <remarks>
/// Register topics, <see cref="Start"/>, then serve <see cref="HandleAsync"/> on a WebSocket route: with its own
/// Kestrel (<see cref="WebSocketServer"/>) or mapped into a host's app (<see cref="WebSocketEndpoints.MapLiveUpdates"/>).
/// </remarks>
public sealed partial class WebSocketHub : IAsyncDisposable
{
    private static readonly Regex s_name = new("^[A-Za-z0-9_.-]{1,64}$", RegexOptions.CultureInvariant);
    private static readonly string[] s_reserved = ["type", "topic", "key", "time"];

    /// <summary>The most updates the fan-out thread appends to the change log before it publishes them (and wakes waiting connections).</summary>
    internal const int FanOutBatch = 256;

    private readonly List<LiveTopic> _topics = [];
    private readonly Lock _registry = new();
    private Pipeline<LiveUpdate>? _pipeline;
    private LiveTopic[] _topicArray = [];
    private LatestValues? _latest;

    // Fan-out thread only.
    private KeyActivity?[] _activity = [];
    private long _nextBusiest;

    // Per topic, its busiest keys: replaced whole by the fan-out thread once a second (Volatile.Write), read by send loops.
    private long[][] _busiest = [];

    // Send loops waiting for updates, under _waitLock: a loop adds itself (TryWaitForUpdates); the fan-out thread
    // swaps the list out after each batch and wakes them. LiveConnection.WaitListed is guarded by _waitLock too.
    private readonly Lock _waitLock = new();
    private List<LiveConnection> _waiting = [];
    private List<LiveConnection> _waking = [];

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

    /// <summary>The most bytes one update's JSON takes, over the registered topics (set by <see cref="Start"/>).</summary>
    internal int MaxJsonUpdateBytes { get; private set; }

    internal LatestValues Latest => _latest ?? throw new InvalidOperationException("The hub is not started.");

    /// <summary>
    /// The most memory the hub's buffers take per connection (after <see cref="Start"/>): one frame's batch and
    /// encoding buffer, the inbound message buffer, and the kernel send buffer the hub sets (twice
    /// <see cref="WebSocketHubOptions.SendBufferBytes"/>, as Linux allocates). A connection holds no queue of its own:
    /// updates wait in the hub's table (<see cref="SharedBufferBytes"/>).
    /// </summary>
    public long BufferBytesPerConnection =>
        ((long)Options.MaxUpdatesPerFrame * (Unsafe.SizeOf<LiveUpdate>() + sizeof(int) + sizeof(long)))
        + MaxFrameBytes + Options.MaxMessageBytes + 1 + (2L * Options.SendBufferBytes);

    /// <summary>
    /// What the hub's shared buffers take (after <see cref="Start"/>): the newest-value table
    /// (<see cref="WebSocketHubOptions.MaxKeys"/>) with the JSON of each key's value, the change log and the ingress ring. Each publisher's conflation
    /// table (<see cref="WebSocketHubOptions.PublisherConflationCapacity"/>) comes on top.
    /// </summary>
    public long SharedBufferBytes =>
        LatestValues.BytesFor(Options.MaxKeys, Options.ChangeLogCapacity, MaxJsonUpdateBytes) + ((long)Options.IngressCapacity * Unsafe.SizeOf<LiveUpdate>());

    /// <summary>What the hub's buffers take now: <see cref="SharedBufferBytes"/> plus <see cref="BufferBytesPerConnection"/> per open connection; never above <see cref="WebSocketHubOptions.MaxBufferBytes"/>.</summary>
    public long BufferBytes => SharedBufferBytes + (Volatile.Read(ref _open) * BufferBytesPerConnection);

    /// <summary>Updates refused because the hub's table held <see cref="WebSocketHubOptions.MaxKeys"/> keys.</summary>
    public long RefusedKeys => _latest?.Refused ?? 0;

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
        MaxJsonUpdateBytes = _topicArray.Length == 0 ? 0 : _topicArray.Max(FrameEncoder.MaxJsonUpdateBytes);
        if ((long)Options.MaxKeys * MaxJsonUpdateBytes > Array.MaxLength)
        {
            throw new ArgumentException($"{nameof(WebSocketHubOptions.MaxKeys)} ({Options.MaxKeys}) × the largest update's JSON ({MaxJsonUpdateBytes} bytes) does not fit the table's JSON array ({Array.MaxLength} bytes); lower {nameof(WebSocketHubOptions.MaxKeys)}.");
        }
        _activity = Array.ConvertAll(_topicArray, t => t.DefaultFeed == DefaultFeed.BusiestKeys ? new KeyActivity(t.BusiestKeys, t.BusiestByIndex) : null);
        _busiest = Array.ConvertAll(_topicArray, _ => Array.Empty<long>());
        if (SharedBufferBytes + BufferBytesPerConnection > Options.MaxBufferBytes)
        {
            throw new ArgumentException($"{nameof(WebSocketHubOptions.MaxBufferBytes)} ({Options.MaxBufferBytes} bytes) does not fit the hub's table, log and ring ({SharedBufferBytes} bytes) and one connection ({BufferBytesPerConnection} bytes).");
        }

        _latest = new LatestValues(Options.MaxKeys, Options.ChangeLogCapacity, FanOutBatch, MaxJsonUpdateBytes);
        _nextBusiest = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        var pipeline = Pipeline<LiveUpdate>.Create(PipelineOptions.Default with
        {
            Name = Options.Name,
            Capacity = Options.IngressCapacity,
            ProducerType = ProducerType.Multi,

            // Publishers are pipeline threads: with a Blocking fan-out, a publish that finds it parked pays its
            // wake-up (a futex, tens of µs on a VM) on the pipeline's thread. Sleeping never asks a publisher to
            // wake anyone and costs an update at most a millisecond on its way to screens paced at tens of ms.
            WaitStrategy = WaitStrategyKind.Sleeping,
        });
        pipeline.HandleBatchesWith(new FanOutHandler(this), Engine.Processing.StageOptions.Default with { Name = "fan-out", MaxBatchSize = FanOutBatch });
        pipeline.Start();
        _pipeline = pipeline;
        StartPacer();
        StartStallWatch();
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
    /// Fan-out thread: writes a batch (at most <see cref="FanOutBatch"/> updates) into the table and the log, then
    /// wakes the connections waiting for updates. The cost per update does not depend on how many clients listen.
    /// </summary>
    internal void FanOut(ReadOnlySpan<LiveUpdate> batch)
    {
        long start = Stopwatch.GetTimestamp();
        LatestValues latest = _latest!;
        foreach (ref readonly LiveUpdate update in batch)
        {
            _activity[update.Topic]?.Count(in update);
            latest.Append(in update);
        }

        latest.Publish();
        WakeWaiting();

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

    /// <summary>Send loop: the busiest keys of <paramref name="topic"/> this second.</summary>
    internal long[] BusiestOf(int topic) => Volatile.Read(ref _busiest[topic]);

    /// <summary>
    /// Send loop, before it sleeps: false when the log already has updates past <paramref name="position"/>;
    /// otherwise lists <paramref name="connection"/> to be woken (<see cref="LiveConnection.Wake"/>) after the next
    /// batch. The fan-out thread publishes a batch before it takes the list, so a loop that checked an old head here
    /// is on the list it takes.
    /// </summary>
    internal bool TryWaitForUpdates(LiveConnection connection, long position)
    {
        lock (_waitLock)
        {
            if (Latest.Head != position)
            {
                return false;
            }

            if (!connection.WaitListed)
            {
                connection.WaitListed = true;
                _waiting.Add(connection);
            }

            return true;
        }
    }

    /// <summary>A connection that ended leaves the lists (it would otherwise be held until the next update or tick).</summary>
    internal void StopWaiting(LiveConnection connection)
    {
        lock (_waitLock)
        {
            if (connection.WaitListed)
            {
                connection.WaitListed = false;
                _waiting.Remove(connection);
            }

            if (connection.TickListed)
            {
                connection.TickListed = false;
                _ticking.Remove(connection);
            }
        }
    }

    private void WakeWaiting() => WakeListed(ref _waiting, ref _waking, tick: false);

    /// <summary>
    /// Takes a list of waiting send loops under <see cref="_waitLock"/> (the updates list, or the pacing tick's list after
    /// moving the clock on) and wakes them outside it: a woken loop may list itself again at once, on the list swapped in.
    /// </summary>
    private void WakeListed(ref List<LiveConnection> listed, ref List<LiveConnection> waking, bool tick)
    {
        lock (_waitLock)
        {
            if (tick)
            {
                Volatile.Write(ref _tick, _tick + 1);
            }

            if (listed.Count == 0)
            {
                return;
            }

            (listed, waking) = (waking, listed);
            foreach (LiveConnection connection in waking)
            {
                if (tick)
                {
                    connection.TickListed = false;
                }
                else
                {
                    connection.WaitListed = false;
                }
            }
        }

        foreach (LiveConnection connection in waking)
        {
            connection.Wake();
        }

        waking.Clear();
    }

    private void RefreshBusiest(long now)
    {
        // Once a second, not per event: a few small arrays.
        _nextBusiest = now + Stopwatch.Frequency;
        for (int i = 0; i < _activity.Length; i++)
        {
            if (_activity[i] is { } activity)
            {
                Volatile.Write(ref _busiest[i], activity.TakeBusiest());
            }
        }
    }
}
