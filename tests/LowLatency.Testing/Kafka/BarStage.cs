using LowLatency.Engine.Processing;

namespace LowLatency.Testing.Kafka;

/// <summary>The stage that runs <see cref="BarWindows"/>: per event, coverage per batch, every window fires on drain.</summary>
public struct BarStage : IEventHandler<Tick>, IBatchAware, ILifecycleAware
{
    private readonly BarWindows _windows;

    public BarStage(BarWindows windows) => _windows = windows;

    public readonly void OnEvent(ref Tick data, long sequence, bool endOfBatch) => _windows.OnTick(in data, sequence);

    public readonly void OnBatchStart(long firstSequence, long count)
    {
    }

    public readonly void OnBatchEnd(long lastSequence) => _windows.CoverThrough(lastSequence);

    public readonly void OnStart()
    {
    }

    public readonly void OnShutdown(ShutdownReason reason)
    {
        if (reason == ShutdownReason.Drained)
        {
            _windows.FireAll();
        }
    }
}
