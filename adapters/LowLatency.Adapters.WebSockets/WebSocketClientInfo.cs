namespace LowLatency.Adapters.WebSockets;

/// <summary>One connection's counters at the time of <see cref="WebSocketHub.GetClients"/>. Offered = Sent + Conflated + Pending.</summary>
/// <param name="Id">The hub's connection number (from 1).</param>
/// <param name="Remote">The peer's address and port.</param>
/// <param name="Binary">True when the client asked for binary frames.</param>
/// <param name="Offered">Updates the client's subscription selected, as the connection read them.</param>
/// <param name="Sent">Updates written to the socket.</param>
/// <param name="Conflated">Updates passed over because their key had a newer value by the time the connection read them.</param>
/// <param name="Skipped">
/// Updates (of every topic) the connection passed over in bulk: when it was further behind than the hub has keys, or
/// than its change log holds, it was sent its keys' newest values from the hub's table instead of reading each
/// update. Not part of <paramref name="Offered"/>.
/// </param>
/// <param name="Pending">Updates in the frame being sent now.</param>
public readonly record struct WebSocketClientInfo(long Id, string Remote, bool Binary, long Offered, long Sent, long Conflated, long Skipped, int Pending);
