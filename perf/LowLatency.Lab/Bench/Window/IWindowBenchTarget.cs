namespace LowLatency.Lab.Bench.Window;

/// <summary>What a window scenario measures: the code that takes each batch of trades, then the end of the stream.</summary>
internal interface IWindowBenchTarget
{
    /// <summary>Handles one batch (events <paramref name="firstSequence"/>, ...), as a ring stage's handler does.</summary>
    void OnBatch(Span<WindowTrade> batch, long firstSequence);

    /// <summary>The end of the stream: everything still open is emitted.</summary>
    void Drain();
}
