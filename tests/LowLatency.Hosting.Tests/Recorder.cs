using LowLatency.Engine.Processing;

namespace LowLatency.Hosting.Tests;

/// <summary>What a test stage saw; the stage can be held on a gate (a slow consumer) or fail on a value.</summary>
public sealed class Recorder
{
    public List<long> Values { get; } = [];

    public ManualResetEventSlim Gate { get; } = new(initialState: true);

    public ManualResetEventSlim Entered { get; } = new();

    public long FailOn { get; set; } = -1;

    public ShutdownReason? Shutdown { get; set; }
}

/// <summary>Records values into a <see cref="Recorder"/>.</summary>
public readonly struct RecordingStage(Recorder recorder) : IEventHandler<Tick>, ILifecycleAware
{
    public void OnEvent(ref Tick data, long sequence, bool endOfBatch)
    {
        recorder.Entered.Set();
        recorder.Gate.Wait();
        if (data.Value == recorder.FailOn)
        {
            throw new InvalidOperationException($"boom at {data.Value}");
        }

        recorder.Values.Add(data.Value);
    }

    public void OnStart()
    {
    }

    public void OnShutdown(ShutdownReason reason) => recorder.Shutdown = reason;
}
