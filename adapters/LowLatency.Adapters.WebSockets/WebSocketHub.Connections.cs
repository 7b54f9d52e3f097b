using System.Buffers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace LowLatency.Adapters.WebSockets;

/// <summary>Accepting, refusing, counting and closing connections.</summary>
public sealed partial class WebSocketHub
{
    private static readonly CloseReason[] s_reasons = Enum.GetValues<CloseReason>();

    private readonly byte[]? _tokenHash;
    private readonly long[] _closed = new long[s_reasons.Length];
    private readonly TaskCompletionSource _allClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Copy-on-write under _registry; read by the fan-out thread for every update.
    private volatile LiveConnection[] _connections = [];

    // Under _registry: totals of connections already closed, so the meter's counters never go back.
    private long _closedOffered;
    private long _closedConflated;
    private long _closedSkipped;

    // Interlocked.
    private long _sent;
    private long _encoded;
    private long _nextId;

    // Connections admitted and not yet ended (Interlocked): each holds BufferBytesPerConnection of the memory cap.
    private int _open;

    // Set once by DisposeAsync (volatile): refuse new connections.
    private volatile bool _stopping;

    /// <summary>Connections open now.</summary>
    public int ConnectionCount => _connections.Length;

    /// <summary>Updates written to sockets, every connection together.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>
    /// Updates formatted as JSON, every connection together. Each value is formatted once for all the clients that
    /// receive it (the others copy its bytes), so this stays far below the JSON part of <see cref="Sent"/> when many
    /// clients take the same values; two send loops that need a value at the same instant may both format it.
    /// </summary>
    public long Encoded => Interlocked.Read(ref _encoded);

    /// <summary>Connections closed or refused for <paramref name="reason"/>.</summary>
    public long GetClosed(CloseReason reason) => Interlocked.Read(ref _closed[(int)reason]);

    /// <summary>Every open connection's counters.</summary>
    public IReadOnlyList<WebSocketClientInfo> GetClients() => Array.ConvertAll(_connections, c => c.Snapshot());

    /// <summary>(offered, conflated, skipped) over every connection, open or closed.</summary>
    internal (long Offered, long Conflated, long Skipped) Totals()
    {
        lock (_registry)
        {
            long offered = _closedOffered, conflated = _closedConflated, skipped = _closedSkipped;
            foreach (LiveConnection connection in _connections)
            {
                WebSocketClientInfo info = connection.Snapshot();
                offered += info.Offered;
                conflated += info.Conflated;
                skipped += info.Skipped;
            }

            return (offered, conflated, skipped);
        }
    }

    internal void OnSent(int count, int encoded)
    {
        Interlocked.Add(ref _sent, count);
        if (encoded > 0)
        {
            Interlocked.Add(ref _encoded, encoded);
        }
    }

    internal void Count(CloseReason reason) => Interlocked.Increment(ref _closed[(int)reason]);

    /// <summary>
    /// Serves one request on the WebSocket route: checks it (token, <c>Origin</c>, format, connection cap), accepts,
    /// and either closes at once with the refusal's code and reason or runs the connection until it closes.
    /// </summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This is a WebSocket endpoint: connect with a WebSocket client.\n").ConfigureAwait(false);
            return;
        }

        (CloseReason Reason, string Text)? refusal = Check(context.Request, out bool binary);
        bool reserved = false;
        if (refusal is null)
        {
            int open = Interlocked.Increment(ref _open);
            if (open > Options.MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                refusal = (CloseReason.TooManyConnections, $"connection cap ({Options.MaxConnections}) reached; try again later");
            }
            else if (SharedBufferBytes + (open * BufferBytesPerConnection) > Options.MaxBufferBytes)
            {
                Interlocked.Decrement(ref _open);
                refusal = (CloseReason.MemoryCap, $"memory cap ({Options.MaxBufferBytes} bytes) reached; try again later");
            }
            else
            {
                reserved = true;
            }
        }

        WebSocket socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = Options.PingInterval,
            KeepAliveTimeout = Options.PingTimeout,
        }).ConfigureAwait(false);

        if (refusal is { } r)
        {
            Count(r.Reason);
            await RefuseAsync(socket, LiveConnection.CloseStatusOf(r.Reason), r.Text).ConfigureAwait(false);
            return;
        }

        if (Options.SendBufferBytes > 0 && context.Features.Get<IConnectionSocketFeature>()?.Socket is { } tcp)
        {
            tcp.SendBufferSize = Options.SendBufferBytes;
        }

        string remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
        var connection = new LiveConnection(this, socket, Interlocked.Increment(ref _nextId), remote, binary);
        try
        {
            Register(connection);
            connection.SendControl(Hello(connection));
            if (_stopping)
            {
                connection.RequestClose(WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
                connection.Record(CloseReason.ServerShutdown);
            }

            Count(await connection.RunAsync().ConfigureAwait(false));
        }
        finally
        {
            Unregister(connection);
            if (reserved && Interlocked.Decrement(ref _open) == 0 && _stopping)
            {
                _allClosed.TrySetResult();
            }
        }
    }

    private (CloseReason Reason, string Text)? Check(HttpRequest request, out bool binary)
    {
        binary = false;
        if (_stopping)
        {
            return (CloseReason.ServerShutdown, "server shutting down");
        }

        if (_tokenHash is not null)
        {
            string? given = request.Query["token"].FirstOrDefault();
            string? authorization = request.Headers.Authorization.FirstOrDefault();
            if (given is null && authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                given = authorization["Bearer ".Length..];
            }

            // Hashes of equal length compared in constant time: neither the content nor the length of the token leaks.
            if (given is null || !CryptographicOperations.FixedTimeEquals(HashToken(given), _tokenHash))
            {
                return (CloseReason.BadToken, "token missing or wrong");
            }
        }

        string? origin = request.Headers.Origin.FirstOrDefault();
        if (origin is not null && !OriginAllowed(origin, request.Host.Value))
        {
            return (CloseReason.BadOrigin, "origin not allowed");
        }

        switch (request.Query["format"].FirstOrDefault())
        {
            case null or "json":
                break;
            case "binary":
                binary = true;
                break;
            default:
                return (CloseReason.BadFormat, "format must be json or binary");
        }

        return null;
    }

    private bool OriginAllowed(string origin, string? host)
    {
        foreach (string allowed in Options.AllowedOrigins)
        {
            if (allowed == "*" || string.Equals(allowed, origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        // Same origin: the page this server served.
        return host is not null && Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri)
            && string.Equals(uri.Authority, host, StringComparison.OrdinalIgnoreCase);
    }

    private static byte[] HashToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private async Task RefuseAsync(WebSocket socket, WebSocketCloseStatus status, string text)
    {
        using var timeout = new CancellationTokenSource(Options.CloseTimeout);
        try
        {
            await socket.CloseAsync(status, text, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            socket.Abort();
        }
        finally
        {
            socket.Dispose();
        }
    }

    private byte[] Hello(LiveConnection connection)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "hello");
            json.WriteNumber("id", connection.Id);
            json.WriteString("format", connection.Binary ? "binary" : "json");
            json.WriteStartArray("topics");
            foreach (LiveTopic topic in _topicArray)
            {
                json.WriteStartObject();
                json.WriteNumber("id", topic.Id);
                json.WriteString("name", topic.Name);
                json.WriteStartArray("fields");
                foreach (string field in topic.Fields)
                {
                    json.WriteStringValue(field);
                }

                json.WriteEndArray();
                json.WriteStartObject("keys");
                foreach ((long key, string display) in topic.KeyNames)
                {
                    json.WriteString(key.ToString(System.Globalization.CultureInfo.InvariantCulture), display);
                }

                json.WriteEndObject();
                json.WriteString("default", topic.DefaultFeed switch
                {
                    DefaultFeed.AllKeys => "all",
                    DefaultFeed.BusiestKeys => "busiest",
                    _ => "none",
                });
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("maxMessageBytes", Options.MaxMessageBytes);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void Register(LiveConnection connection)
    {
        lock (_registry)
        {
            _connections = [.. _connections, connection];
        }
    }

    private void Unregister(LiveConnection connection)
    {
        WebSocketClientInfo info = connection.Snapshot();
        lock (_registry)
        {
            _connections = Array.FindAll(_connections, c => c != connection);
            _closedOffered += info.Offered;
            _closedConflated += info.Conflated;
            _closedSkipped += info.Skipped;
        }
    }

    /// <summary>
    /// Refuses new connections, closes every open one with 1001 ("server shutting down") after the frame in flight,
    /// waits for them (each bounded by <see cref="WebSocketHubOptions.CloseTimeout"/>), then stops the fan-out thread.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        foreach (LiveConnection connection in _connections)
        {
            connection.Record(CloseReason.ServerShutdown);
            connection.RequestClose(WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
        }

        if (Volatile.Read(ref _open) == 0)
        {
            _allClosed.TrySetResult();
        }

        // Each connection aborts itself after CloseTimeout; the extra second covers the scheduling of that.
        TimeSpan bound = (Options.CloseTimeout * 2) + TimeSpan.FromSeconds(1);
        try
        {
            await _allClosed.Task.WaitAsync(bound).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"WebSocket hub '{Options.Name}': {Volatile.Read(ref _open)} connection(s) still open {bound.TotalSeconds} s after the shutdown began.");
        }

        StopPacer();
        StopStallWatch();
        if (_pipeline is { } pipeline)
        {
            WebSocketTelemetry.Unregister(this);
            await pipeline.DisposeAsync().ConfigureAwait(false);
        }
    }
}
