namespace LowLatency.Adapters.WebSockets;

/// <summary>Limits and sizes of a <see cref="WebSocketHub"/>. Every limit is on by default.</summary>
public sealed record WebSocketHubOptions
{
    /// <summary>The defaults.</summary>
    public static WebSocketHubOptions Default { get; } = new();

    /// <summary>The hub's name (its ingress pipeline's name and the meter's <c>hub</c> tag).</summary>
    public string Name { get; init; } = "websockets";

    /// <summary>When set, clients must present it (<c>?token=</c> or <c>Authorization: Bearer</c>); compared in constant time.</summary>
    public string? Token { get; init; }

    /// <summary>
    /// Browser origins allowed besides the page's own (an <c>Origin</c> whose host and port equal the request's
    /// <c>Host</c>). Clients that send no <c>Origin</c> (not browsers) are not checked. <c>"*"</c> allows any.
    /// </summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>Connections open at once; the next is refused with 1013 (try again later).</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>Largest client message; a larger one closes the connection with 1009.</summary>
    public int MaxMessageBytes { get; init; } = 4096;

    /// <summary>
    /// Distinct (topic, key) pairs the hub keeps the newest value of, for every connection together; an update of a new
    /// key beyond it is refused and counted (<see cref="WebSocketHub.RefusedKeys"/>).
    /// </summary>
    public int MaxKeys { get; init; } = 16_384;

    /// <summary>
    /// Updates the hub's change log remembers (power of two). A connection that falls further behind than this (it
    /// did not read for a while) no longer sees each update: it is sent its keys' newest values from the table
    /// instead, and the updates it passed over are counted as skipped.
    /// </summary>
    public int ChangeLogCapacity { get; init; } = 1 << 16;

    /// <summary>
    /// The most memory the hub's buffers may take: its table and log, and per connection one frame, the inbound
    /// message buffer and the kernel send buffer it sets (<see cref="WebSocketHub.BufferBytes"/>). A connection that
    /// would go over it is refused with 1013. Checked at <see cref="WebSocketHub.Start"/> to fit at least one connection.
    /// </summary>
    public long MaxBufferBytes { get; init; } = 256L << 20;

    /// <summary>
    /// The most updates in one frame: a screen of a hundred symbols gets every changed bar in one frame. Each
    /// connection holds one frame's buffer of this size (<see cref="WebSocketHub.BufferBytesPerConnection"/>).
    /// </summary>
    public int MaxUpdatesPerFrame { get; init; } = 128;

    /// <summary>
    /// The period of the hub's pacing clock: each client gets at most one update frame per tick, so at most
    /// 1 / interval frames a second (zero: no clock, the next frame as soon as the previous one is written). Ticks
    /// are hub-wide, so two frames to one client can be closer than the interval when the first went out late in its
    /// tick; a client that keeps up gets one frame per tick. Meanwhile the hub's table keeps only each key's newest
    /// value, so a paced client misses nothing but intermediate values, and the hub's sending work per second is
    /// bounded by connections × frames per second whatever the update rate. A screen repaints at most 60 times a
    /// second; dashboards want far fewer.
    /// </summary>
    public TimeSpan MinFrameInterval { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Slots of the ingress ring between publishers and the fan-out thread (power of two). Small on purpose: it is a
    /// FIFO, so whatever waits in it is not conflated; once it is full, publishers keep the newest value per key.
    /// </summary>
    public int IngressCapacity { get; init; } = 1024;

    /// <summary>
    /// The most of a core the fan-out thread may take while it is behind: after a batch that took longer than a
    /// millisecond it sleeps long enough to stay under this share. Meanwhile the ingress ring fills and publishers
    /// keep the newest value per key, so the clients' senders (and the rest of the process) keep their CPU and the
    /// work done per second is bounded, whatever the update rate. Under light load batches are short and it never sleeps.
    /// </summary>
    public double FanOutDutyCycle { get; init; } = 0.5;

    /// <summary>Values each publisher holds (newest per key) while the ingress ring is full.</summary>
    public int PublisherConflationCapacity { get; init; } = 8192;

    /// <summary>
    /// The kernel send buffer of each client socket (SO_SNDBUF), so a slow reader's backlog waits in the hub's table,
    /// where newer values replace it, rather than in the kernel, where nothing can; 0 keeps the OS default (on Linux
    /// it grows to megabytes: seconds of stale frames for a slow client). Linux doubles the value asked for.
    /// </summary>
    public int SendBufferBytes { get; init; } = 16 * 1024;

    /// <summary>How often the server pings; with <see cref="PingTimeout"/>, a peer that stops answering is closed.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a ping may go unanswered before the connection is aborted.</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long one frame may wait for the client to read before the connection is aborted as stalled (idle reader);
    /// checked every quarter of it, so the abort comes within 1.25 times this after the frame began.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Bound on sending a close frame when refusing or shutting down.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Checks the options; the message names the option.</summary>
    internal void Validate()
    {
        Require(MaxConnections >= 1, $"{nameof(MaxConnections)} must be ≥ 1, got {MaxConnections}.");
        Require(MaxMessageBytes >= 64, $"{nameof(MaxMessageBytes)} must be ≥ 64, got {MaxMessageBytes}.");
        Require(MaxKeys >= 1, $"{nameof(MaxKeys)} must be ≥ 1, got {MaxKeys}.");
        Require(ChangeLogCapacity >= 2 * WebSocketHub.FanOutBatch && int.IsPow2(ChangeLogCapacity), $"{nameof(ChangeLogCapacity)} must be a power of two ≥ {2 * WebSocketHub.FanOutBatch}, got {ChangeLogCapacity}.");
        Require(MaxBufferBytes > 0, $"{nameof(MaxBufferBytes)} must be positive, got {MaxBufferBytes}.");
        Require(MaxUpdatesPerFrame is >= 1 and <= ushort.MaxValue, $"{nameof(MaxUpdatesPerFrame)} must be in [1, 65535], got {MaxUpdatesPerFrame}.");
        Require(IngressCapacity >= 2 && int.IsPow2(IngressCapacity), $"{nameof(IngressCapacity)} must be a power of two ≥ 2, got {IngressCapacity}.");
        Require(FanOutDutyCycle is > 0 and <= 1, $"{nameof(FanOutDutyCycle)} must be in (0, 1], got {FanOutDutyCycle}.");
        Require(PublisherConflationCapacity >= 1, $"{nameof(PublisherConflationCapacity)} must be ≥ 1, got {PublisherConflationCapacity}.");
        Require(SendBufferBytes >= 0, $"{nameof(SendBufferBytes)} must be ≥ 0 (0: the OS default), got {SendBufferBytes}.");
        Require(MinFrameInterval >= TimeSpan.Zero, $"{nameof(MinFrameInterval)} must not be negative.");
        Require(PingInterval > TimeSpan.Zero, $"{nameof(PingInterval)} must be positive.");
        Require(PingTimeout > TimeSpan.Zero, $"{nameof(PingTimeout)} must be positive.");
        Require(IdleTimeout > TimeSpan.Zero, $"{nameof(IdleTimeout)} must be positive.");
        Require(CloseTimeout > TimeSpan.Zero, $"{nameof(CloseTimeout)} must be positive.");
        Require(Token is null || Token.Length > 0, $"{nameof(Token)} must be null (no token) or non-empty.");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
