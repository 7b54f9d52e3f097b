using HdrHistogram;
using HdrHistogram.Iteration;
using LowLatency.Lab.Demo;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace LowLatency.Lab.Reporting;

/// <summary>
/// PNG figures drawn with ScottPlot: the latency percentile distribution on the usual 1/(1−p) log axis
/// (HdrHistogram's plotter convention), latency percentiles over time, and the soak's resource series.
/// Log axes are drawn as log10 of the data with decade ticks labelled in real units.
/// </summary>
internal static class Plots
{
    private const int Width = 1200;

    /// <summary>Two panels: the percentile distribution, then p50/p99/p99.9 per interval.</summary>
    public static void Latency(string path, string title, HistogramBase histogram, IReadOnlyList<IntervalSample> intervals)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2); // AddPlots sets the total number of subplots.
        PercentileDistribution(multiplot.GetPlot(0), title, histogram);
        OverTime(multiplot.GetPlot(1), intervals);
        multiplot.SavePng(path, Width, 1100);
    }

    /// <summary>The soak: latency over time, RSS and GC heap with their fitted lines, and allocation rate.</summary>
    public static void Soak(string path, string title, IReadOnlyList<IntervalSample> intervals, double rssSlope, double heapSlope)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(3);

        Plot latency = multiplot.GetPlot(0);
        OverTime(latency, intervals);
        latency.Title($"{title}: latency per interval");

        Plot memory = multiplot.GetPlot(1);
        var t = new List<double>();
        var rss = new List<double>();
        var heap = new List<double>();
        foreach (IntervalSample s in intervals)
        {
            t.Add(s.ElapsedSeconds);
            rss.Add(s.RssBytes / (1024.0 * 1024.0));
            heap.Add(s.GcHeapBytes / (1024.0 * 1024.0));
        }

        AddLine(memory, t, rss, "RSS (MiB)", Colors.SteelBlue);
        AddLine(memory, t, heap, "GC heap (MiB)", Colors.DarkOrange);
        AddFit(memory, intervals, t, rss, rssSlope / (1024 * 1024), "RSS fit", Colors.SteelBlue);
        AddFit(memory, intervals, t, heap, heapSlope / (1024 * 1024), "heap fit", Colors.DarkOrange);
        MarkWarmupEnd(memory, intervals);
        memory.Title($"memory: RSS slope {Units.Bytes(rssSlope)}/s, heap slope {Units.Bytes(heapSlope)}/s (least squares after warm-up)");
        memory.XLabel("elapsed (s)");
        memory.YLabel("MiB");
        memory.ShowLegend(Alignment.LowerRight);

        Plot gc = multiplot.GetPlot(2);
        var alloc = new List<double>();
        var gen0 = new List<double>();
        var gen2 = new List<double>();
        var threads = new List<double>();
        var handles = new List<double>();
        foreach (IntervalSample s in intervals)
        {
            alloc.Add(s.AllocatedBytesPerSecond / 1024.0);
            gen0.Add(s.Gen0);
            gen2.Add(s.Gen2);
            threads.Add(s.Threads);
            handles.Add(s.Handles);
        }

        AddLine(gc, t, alloc, "allocated KiB/s", Colors.Gray);
        AddLine(gc, t, gen0, "gen0 collections (cumulative)", Colors.Green);
        AddLine(gc, t, gen2, "gen2 collections (cumulative)", Colors.Red);
        AddLine(gc, t, threads, "threads", Colors.Purple);
        AddLine(gc, t, handles, "handles", Colors.Brown);
        MarkWarmupEnd(gc, intervals);
        gc.Title("allocation, collections, threads, handles");
        gc.XLabel("elapsed (s)");
        gc.ShowLegend(Alignment.UpperLeft);

        multiplot.SavePng(path, Width, 1500);
    }

    private static void PercentileDistribution(Plot plot, string title, HistogramBase histogram)
    {
        var x = new List<double>();
        var y = new List<double>();
        foreach (HistogramIterationValue v in histogram.Percentiles(5))
        {
            double p = v.PercentileLevelIteratedTo / 100.0;
            if (p >= 1.0)
            {
                break;
            }

            x.Add(Math.Log10(1.0 / (1.0 - p)));
            y.Add(Math.Log10(Math.Max(1, v.ValueIteratedTo)));
        }

        double maxX = x.Count > 0 ? x[^1] : 1;
        AddLine(plot, x, y, "latency at percentile", Colors.SteelBlue);
        var maxLine = plot.Add.HorizontalLine(Math.Log10(Math.Max(1, histogram.GetMaxValue())));
        maxLine.LegendText = $"max {Units.Nanoseconds(histogram.GetMaxValue())}";
        maxLine.Color = Colors.Red;
        maxLine.LinePattern = LinePattern.Dashed;

        var percentileTicks = new NumericManual();
        string[] labels = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%", "99.99999%"];
        for (int decade = 0; decade < labels.Length && decade <= Math.Ceiling(maxX); decade++)
        {
            percentileTicks.AddMajor(decade, labels[decade]);
        }

        plot.Axes.Bottom.TickGenerator = percentileTicks;
        plot.Axes.Left.TickGenerator = NanosecondDecades(y, histogram.GetMaxValue());
        plot.Title($"{title}: latency by percentile");
        plot.XLabel("percentile (log scale of 1/(1−p))");
        plot.YLabel("latency from intended send time");
        plot.ShowLegend(Alignment.UpperLeft);
    }

    private static void OverTime(Plot plot, IReadOnlyList<IntervalSample> intervals)
    {
        var t = new List<double>();
        var p50 = new List<double>();
        var p99 = new List<double>();
        var p999 = new List<double>();
        long max = 1;
        foreach (IntervalSample s in intervals)
        {
            t.Add(s.ElapsedSeconds);
            p50.Add(Math.Log10(Math.Max(1, s.P50)));
            p99.Add(Math.Log10(Math.Max(1, s.P99)));
            p999.Add(Math.Log10(Math.Max(1, s.P999)));
            max = Math.Max(max, s.P999);
        }

        AddLine(plot, t, p50, "p50", Colors.Green);
        AddLine(plot, t, p99, "p99", Colors.SteelBlue);
        AddLine(plot, t, p999, "p99.9", Colors.DarkOrange);
        MarkWarmupEnd(plot, intervals);
        plot.Axes.Left.TickGenerator = NanosecondDecades(p50, max);
        plot.Title("latency per interval");
        plot.XLabel("elapsed (s)");
        plot.YLabel("latency (log scale)");
        plot.ShowLegend(Alignment.UpperLeft);
    }

    /// <summary>Ticks at 1, 2 and 5 of each decade (1 µs, 2 µs, 5 µs, 10 µs, ...) for an axis that holds log10 of nanoseconds.</summary>
    private static NumericManual NanosecondDecades(List<double> logValues, long maxNs)
    {
        double low = double.MaxValue;
        foreach (double v in logValues)
        {
            low = Math.Min(low, v);
        }

        int first = (int)Math.Floor(Math.Min(low, 3));
        int last = (int)Math.Ceiling(Math.Log10(Math.Max(10, maxNs)));
        // 1-2-5 steps: a panel whose data spans less than a decade still gets labels.
        var ticks = new NumericManual();
        ReadOnlySpan<double> steps = [1, 2, 5];
        for (int decade = first; decade <= last; decade++)
        {
            foreach (double step in steps)
            {
                double ns = step * Math.Pow(10, decade);
                ticks.AddMajor(Math.Log10(ns), Units.Nanoseconds(ns));
            }
        }

        return ticks;
    }

    /// <summary>A dashed vertical line where the steady state starts (nothing before it is judged).</summary>
    private static void MarkWarmupEnd(Plot plot, IReadOnlyList<IntervalSample> intervals)
    {
        for (int i = 0; i < intervals.Count; i++)
        {
            if (!intervals[i].Warmup)
            {
                if (i == 0)
                {
                    return;
                }

                var line = plot.Add.VerticalLine(intervals[i - 1].ElapsedSeconds);
                line.LegendText = "end of warm-up";
                line.Color = Colors.Gray;
                line.LinePattern = LinePattern.Dashed;
                return;
            }
        }
    }

    private static void AddLine(Plot plot, List<double> x, List<double> y, string label, Color color)
    {
        if (x.Count == 0)
        {
            return;
        }

        var line = plot.Add.ScatterLine(x.ToArray(), y.ToArray());
        line.LegendText = label;
        line.Color = color;
        line.LineWidth = 2;
    }

    private static void AddFit(Plot plot, IReadOnlyList<IntervalSample> intervals, List<double> t, List<double> y, double slope, string label, Color color)
    {
        // The fitted line through the steady-state samples' centroid.
        double sumT = 0;
        double sumY = 0;
        int n = 0;
        double firstT = double.NaN;
        for (int i = 0; i < intervals.Count; i++)
        {
            if (intervals[i].Warmup)
            {
                continue;
            }

            firstT = double.IsNaN(firstT) ? t[i] : firstT;
            sumT += t[i];
            sumY += y[i];
            n++;
        }

        if (n < 2)
        {
            return;
        }

        double meanT = sumT / n;
        double meanY = sumY / n;
        double lastT = t[^1];
        var fit = plot.Add.Line(firstT, meanY + (slope * (firstT - meanT)), lastT, meanY + (slope * (lastT - meanT)));
        fit.LegendText = label;
        fit.Color = color;
        fit.LinePattern = LinePattern.Dotted;
        fit.LineWidth = 2;
    }
}
