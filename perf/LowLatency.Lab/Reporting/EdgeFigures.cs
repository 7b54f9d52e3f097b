using System.Globalization;
using System.Net;
using System.Text.Json.Serialization;
using LowLatency.Adapters.Sockets;

namespace LowLatency.Lab.Reporting;

/// <summary>What <c>demo --listen</c>'s TCP source saw at the edge, for the console and the JSON report (<c>edge</c>).</summary>
internal sealed record EdgeFigures
{
    [JsonPropertyName("endpoint")]
    public required string Endpoint { get; init; }

    /// <summary>True when publishers had to present <c>--token</c>.</summary>
    [JsonPropertyName("tokenRequired")]
    public bool TokenRequired { get; init; }

    [JsonPropertyName("connectionsAccepted")]
    public long ConnectionsAccepted { get; init; }

    /// <summary>Handshakes that resumed a session after a reconnect (the publisher then resends what was not accepted).</summary>
    [JsonPropertyName("sessionsResumed")]
    public long SessionsResumed { get; init; }

    [JsonPropertyName("frames")]
    public long Frames { get; init; }

    [JsonPropertyName("bytesReceived")]
    public long BytesReceived { get; init; }

    [JsonPropertyName("eventsPublished")]
    public long EventsPublished { get; init; }

    /// <summary>Resent events the source had already accepted, dropped.</summary>
    [JsonPropertyName("duplicateEvents")]
    public long DuplicateEvents { get; init; }

    /// <summary>Sequence numbers a session skipped (gaps), reported, never hidden.</summary>
    [JsonPropertyName("missingEvents")]
    public long MissingEvents { get; init; }

    [JsonPropertyName("backpressureWaits")]
    public long BackpressureWaits { get; init; }

    [JsonPropertyName("acksSent")]
    public long AcksSent { get; init; }

    /// <summary>Connections ended, per <see cref="DisconnectReason"/> name (non-zero only).</summary>
    [JsonPropertyName("disconnects")]
    public required IReadOnlyDictionary<string, long> Disconnects { get; init; }

    public static EdgeFigures From(IPEndPoint endpoint, TcpSourceMetrics metrics, bool tokenRequired)
    {
        var disconnects = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (DisconnectReason reason in Enum.GetValues<DisconnectReason>())
        {
            long count = metrics.Disconnects(reason);
            if (count > 0)
            {
                disconnects[reason.ToString()] = count;
            }
        }

        return new EdgeFigures
        {
            Endpoint = endpoint.ToString(),
            TokenRequired = tokenRequired,
            ConnectionsAccepted = metrics.ConnectionsAccepted,
            SessionsResumed = metrics.SessionsResumed,
            Frames = metrics.Frames,
            BytesReceived = metrics.BytesReceived,
            EventsPublished = metrics.EventsPublished,
            DuplicateEvents = metrics.DuplicateEvents,
            MissingEvents = metrics.MissingEvents,
            BackpressureWaits = metrics.BackpressureWaits,
            AcksSent = metrics.AcksSent,
            Disconnects = disconnects,
        };
    }

    public void Print(TextWriter o, TimeSpan duration)
    {
        string reasons = Disconnects.Count == 0
            ? "none"
            : string.Join(", ", Disconnects.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Key} {d.Value:N0}")));
        if (ConnectionsAccepted == 0)
        {
            o.WriteLine($"  tcp edge       NO PUBLISHER connected to {Endpoint} in {duration.TotalSeconds:F0} s: nothing was sent, nothing verified (start `lowlatency feed --connect {Endpoint}`)");
            return;
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  tcp edge       {ConnectionsAccepted:N0} connection(s) on {Endpoint} | {SessionsResumed:N0} resumed session(s) | {Frames:N0} frames, {Units.Bytes(BytesReceived)} | {EventsPublished:N0} events published | duplicates (resends dropped) {DuplicateEvents:N0} | gaps {MissingEvents:N0} | back-pressured {BackpressureWaits:N0}× | acks {AcksSent:N0}"));
        o.WriteLine($"  disconnects    {reasons}");
        if (EventsPublished == 0)
        {
            o.WriteLine($"  tcp edge       publishers connected but NONE PUBLISHED an event{(TokenRequired ? " (a wrong --token shows as AuthenticationFailed above)" : string.Empty)}: nothing verified");
        }
    }
}
