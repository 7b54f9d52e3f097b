using Microsoft.AspNetCore.SignalR;

namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>The SignalR anchor's hub: the server pushes through <c>IHubContext</c>; clients only listen.</summary>
internal sealed class BarsHub : Hub
{
}
