using LowLatency.Engine.Windowing;

namespace LowLatency.Lab.Bench.Window;

/// <summary>A window operator as a <see cref="IWindowBenchTarget"/>: each batch in one <c>OnBatch</c> call, as a <see cref="WindowStage{TEvent, TOperator}"/> hands it over.</summary>
internal readonly struct OperatorBenchTarget<TOperator>(TOperator op) : IWindowBenchTarget
    where TOperator : IWindowOperator<WindowTrade>
{
    public void OnBatch(Span<WindowTrade> batch, long firstSequence) => op.OnBatch(batch, 0, firstSequence);

    public void Drain() => op.Drain();
}
