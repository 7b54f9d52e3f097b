using LowLatency.Engine.Processing;

namespace LowLatency.Adapters.WebSockets;

/// <summary>The hub's one stage: writes each batch of updates into the hub's table and change log (the runtime type is a struct, so the call is direct).</summary>
internal readonly struct FanOutHandler(WebSocketHub hub) : IBatchEventHandler<LiveUpdate>
{
    public void OnBatch(Span<LiveUpdate> batch, long firstSequence) => hub.FanOut(batch);
}
