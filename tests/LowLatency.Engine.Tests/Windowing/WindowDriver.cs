using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;

namespace LowLatency.Engine.Tests.Windowing;

/// <summary>Runs a script against any window operator recording into a collector, and renders what it saw comparably.</summary>
internal static class WindowDriver
{
    public static void Run<TOp>(TOp op, WindowCollector<TestTrade, long, TradeBar> collector, IReadOnlyList<ScriptStep> script, int from = 0, int to = -1)
        where TOp : IWindowOperator<TestTrade>
    {
        if (to < 0)
        {
            to = script.Count;
        }

        for (int i = from; i < to; i++)
        {
            collector.CurrentIndex = i;
            ScriptStep step = script[i];
            switch (step.Kind)
            {
                case ScriptKind.Event:
                    TestTrade t = step.Trade;
                    op.OnEvent(ref t);
                    break;
                case ScriptKind.Watermark:
                    op.OnWatermark(step.Time);
                    break;
                case ScriptKind.ProcessingTime:
                    op.OnProcessingTime(step.Time);
                    break;
                case ScriptKind.Drain:
                    op.Drain();
                    break;
            }
        }
    }

    public static IReadOnlyList<ExpectedResult> Results(WindowCollector<TestTrade, long, TradeBar> collector) =>
        ExpectedResult.Canonical(collector.Results.Select(x => ExpectedResult.From(x.Index, x.Result)));

    public static List<(int Index, LateReason Reason)> Late(WindowCollector<TestTrade, long, TradeBar> collector) =>
        collector.Late.Select(x => (x.Index, x.Reason)).ToList();

    public static string Diff(IReadOnlyList<ExpectedResult> expected, IReadOnlyList<ExpectedResult> actual)
    {
        for (int i = 0; i < Math.Max(expected.Count, actual.Count); i++)
        {
            ExpectedResult? e = i < expected.Count ? expected[i] : null;
            ExpectedResult? a = i < actual.Count ? actual[i] : null;
            if (e != a)
            {
                return $"first difference at #{i} of {expected.Count}/{actual.Count}:\n expected {e}\n actual   {a}";
            }
        }

        return "identical";
    }
}
