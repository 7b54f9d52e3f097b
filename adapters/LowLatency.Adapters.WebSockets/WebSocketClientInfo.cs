namespace LowLatency.Adapters.WebSockets;

/// <summary>One connection's counters at the time of <see cref="WebSocketHub.GetClients"/>. Offered = Sent + Conflated + Dropped + Pending.</summary>
/// <param name="Id">The hub's connection number (from 1).</param>
/// <param name="Remote">The peer's address and port.</param>
/// <param name="Binary">True when the client asked for binary frames.</param>
/// <param name="Offered">Updates the client's subscription selected.</param>
/// <param name="Sent">Updates written to the socket.</param>
/// <param name="Conflated">Updates replaced by a newer value of their key before they were sent.</param>
/// <param name="Dropped">Updates of a new key refused because the client's queue held its maximum of keys.</param>
/// <param name="Pending">Updates queued now.</param>
public readonly record struct WebSocketClientInfo(long Id, string Remote, bool Binary, long Offered, long Sent, long Conflated, long Dropped, int Pending);
