using LowLatency.Engine.Processing;

namespace LowLatency.Adapters.WebSockets;

/// <summary>The hub's one stage: hands each update to the connections that want it (the runtime type is a struct, so the call is direct).</summary>
internal readonly struct FanOutHandler(WebSocketHub hub) : IEventHandler<LiveUpdate>
{
    public void OnEvent(ref LiveUpdate data, long sequence, bool endOfBatch) => hub.FanOut(in data, endOfBatch);
}
