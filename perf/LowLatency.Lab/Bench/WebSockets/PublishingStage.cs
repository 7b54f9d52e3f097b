using System.Diagnostics;
using LowLatency.Adapters.WebSockets;
using LowLatency.Engine.Processing;

namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>A pipeline stage that emits a "window result" to the hub every 64th event, for 1,000 keys: the pipeline thread publishing to people.</summary>
internal struct PublishingStage(LivePublisher publisher, LiveTopic topic) : IEventHandler<long>
{
    private long _sum;

    public void OnEvent(ref long data, long sequence, bool endOfBatch)
    {
        _sum += data;
        if ((sequence & 63) == 0)
        {
            ReadOnlySpan<double> values = [_sum, 1, 2, 3, 4, 5];
            publisher.Publish(topic, (sequence >> 6) % 1000, Stopwatch.GetTimestamp(), values);
        }
    }
}
