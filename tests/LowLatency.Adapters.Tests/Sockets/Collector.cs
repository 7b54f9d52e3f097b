using LowLatency.Engine.Processing;

namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>A terminal stage that records every event, optionally holding at a gate first.</summary>
public readonly struct Collector<T>(Collected<T> collected, ManualResetEventSlim? gate = null) : IEventHandler<T>
    where T : struct
{
    public void OnEvent(ref T data, long sequence, bool endOfBatch)
    {
        gate?.Wait();
        collected.Add(data);
    }
}
