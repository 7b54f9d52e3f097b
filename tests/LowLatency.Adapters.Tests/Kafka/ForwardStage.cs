using LowLatency.Adapters.Kafka;
using LowLatency.Engine.Processing;
using LowLatency.Testing.Kafka;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>1:1 stage: each tick goes to the sink covering its own sequence; optionally waits on a gate first (a slow stage).</summary>
internal struct ForwardStage : IEventHandler<Tick>
{
    private readonly KafkaSink<Tick> _sink;
    private readonly ManualResetEventSlim? _gate;

    public ForwardStage(KafkaSink<Tick> sink, ManualResetEventSlim? gate = null)
    {
        _sink = sink;
        _gate = gate;
    }

    public readonly void OnEvent(ref Tick data, long sequence, bool endOfBatch)
    {
        _gate?.Wait();
        _sink.Produce(in data, sequence);
    }
}
