using LowLatency.Engine.Processing;

namespace LowLatency.Adapters.WebSockets;

/// <summary>The hub's one stage: hands each batch of updates to the connections that want them (the runtime type is a struct, so the call is direct).</summary>
internal readonly struct FanOutHandler(WebSocketHub hub) : IBatchEventHandler<LiveUpdate>
{
    public void OnBatch(Span<LiveUpdate> batch, long firstSequence) => hub.FanOut(batch);
}
