namespace LowLatency.Lab.Bench.Tcp;

/// <summary>What the hand-written read loop does with each batch frame's ticks (a struct, so calls inline).</summary>
internal interface ITickBatchSink
{
    void OnTicks(ReadOnlySpan<byte> ticks, int count);

    /// <summary>The last connection has closed; returns when every tick has been dealt with (inside the measured time).</summary>
    void OnCompleted();
}
