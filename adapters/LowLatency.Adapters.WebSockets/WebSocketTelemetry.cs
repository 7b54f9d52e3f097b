using System.Diagnostics.Metrics;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// The adapter's instruments on the <c>LowLatency</c> meter, tagged <c>hub</c>: connections open, updates by
/// outcome (<c>sent</c>, <c>conflated</c>, <c>skipped</c>, <c>dropped</c>), and connections closed or refused by <c>reason</c>.
/// Observable: read from the hubs' counters when a listener collects.
/// </summary>
internal static class WebSocketTelemetry
{
    public const string MeterName = "LowLatency";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly Lock s_lock = new();
    private static readonly CloseReason[] s_reasons = Enum.GetValues<CloseReason>();
    private static readonly string[] s_reasonNames = Array.ConvertAll(s_reasons, r => r switch
    {
        CloseReason.ClientClosed => "client_closed",
        CloseReason.BadToken => "bad_token",
        CloseReason.BadOrigin => "bad_origin",
        CloseReason.TooManyConnections => "too_many_connections",
        CloseReason.BadFormat => "bad_format",
        CloseReason.MessageTooBig => "message_too_big",
        CloseReason.InvalidMessage => "invalid_message",
        CloseReason.ProtocolError => "protocol_error",
        CloseReason.PingTimeout => "ping_timeout",
        CloseReason.HandshakeTimeout => "handshake_timeout",
        CloseReason.Stalled => "stalled",
        CloseReason.ServerShutdown => "server_shutdown",
        CloseReason.MemoryCap => "memory_cap",
        _ => r.ToString(),
    });

    // Copy-on-write under s_lock; read by the callbacks.
    private static volatile WebSocketHub[] s_hubs = [];

    public static readonly ObservableUpDownCounter<long> Connections = s_meter.CreateObservableUpDownCounter(
        "lowlatency.websocket.connections", () => Each(h => h.ConnectionCount), "{connection}", "WebSocket connections open.");

    public static readonly ObservableCounter<long> Updates = s_meter.CreateObservableCounter(
        "lowlatency.websocket.updates", ObserveUpdates, "{update}", "Updates for clients, by outcome: sent, conflated (a newer value of the key was there first), skipped (the client fell more than the change log behind; its keys' newest values were sent), dropped (a new key beyond the hub's MaxKeys).");

    public static readonly ObservableCounter<long> Closed = s_meter.CreateObservableCounter(
        "lowlatency.websocket.closed", ObserveClosed, "{connection}", "Connections closed or refused, by reason.");

    public static void Register(WebSocketHub hub)
    {
        lock (s_lock)
        {
            s_hubs = [.. s_hubs, hub];
        }
    }

    public static void Unregister(WebSocketHub hub)
    {
        lock (s_lock)
        {
            s_hubs = Array.FindAll(s_hubs, h => h != hub);
        }
    }

    private static KeyValuePair<string, object?> Hub(WebSocketHub hub) => new("hub", hub.Options.Name);

    private static List<Measurement<long>> Each(Func<WebSocketHub, long> read)
    {
        var list = new List<Measurement<long>>();
        foreach (WebSocketHub hub in s_hubs)
        {
            list.Add(new Measurement<long>(read(hub), Hub(hub)));
        }

        return list;
    }

    private static List<Measurement<long>> ObserveUpdates()
    {
        var list = new List<Measurement<long>>();
        foreach (WebSocketHub hub in s_hubs)
        {
            (_, long conflated, long skipped) = hub.Totals();
            list.Add(new Measurement<long>(hub.Sent, Hub(hub), new("outcome", "sent")));
            list.Add(new Measurement<long>(conflated, Hub(hub), new("outcome", "conflated")));
            list.Add(new Measurement<long>(skipped, Hub(hub), new("outcome", "skipped")));
            list.Add(new Measurement<long>(hub.RefusedKeys, Hub(hub), new("outcome", "dropped")));
        }

        return list;
    }

    private static List<Measurement<long>> ObserveClosed()
    {
        var list = new List<Measurement<long>>();
        foreach (WebSocketHub hub in s_hubs)
        {
            for (int r = 0; r < s_reasons.Length; r++)
            {
                list.Add(new Measurement<long>(hub.GetClosed(s_reasons[r]), Hub(hub), new("reason", s_reasonNames[r])));
            }
        }

        return list;
    }
}
