using System.Diagnostics.Metrics;
using LowLatency.Engine.Flow;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Diagnostics;

/// <summary>
/// The process-wide <c>LowLatency</c> meter. Every instrument is observable: callbacks read the sequences
/// and counters of the registered pipelines when a listener collects, so nothing is recorded per event.
/// </summary>
/// <remarks>Tags: <c>pipeline</c>, plus <c>stage</c>, <c>source</c>, <c>reason</c> or <c>quantile</c> where they apply.</remarks>
internal static class EngineMeter
{
    private static readonly Lock s_lock = new();
    private static readonly DropReason[] s_reasons = Enum.GetValues<DropReason>();
    private static readonly string[] s_reasonNames = Array.ConvertAll(s_reasons, r => r switch
    {
        DropReason.Rejected => "rejected",
        DropReason.TimedOut => "timed_out",
        DropReason.Closed => "closed",
        DropReason.Full => "full",
        DropReason.Sampled => "sampled",
        DropReason.Conflated => "conflated",
        _ => r.ToString(),
    });

    private static readonly (string Name, Func<LatencySummary, long> Value)[] s_quantiles =
    [
        ("0.5", l => l.P50Nanoseconds),
        ("0.99", l => l.P99Nanoseconds),
        ("0.999", l => l.P999Nanoseconds),
        ("1", l => l.MaxNanoseconds),
    ];

    // Copy-on-write under s_lock; read by the instrument callbacks.
    private static volatile PipelineMetrics[] s_pipelines = [];
    private static Meter? s_meter;

    public static void Register(PipelineMetrics metrics)
    {
        lock (s_lock)
        {
            s_meter ??= CreateMeter();
            s_pipelines = [.. s_pipelines, metrics];
        }
    }

    public static void Unregister(PipelineMetrics metrics)
    {
        lock (s_lock)
        {
            s_pipelines = Array.FindAll(s_pipelines, m => !ReferenceEquals(m, metrics));
        }
    }

    public static bool IsRegistered(Sequencer sequencer) => Array.Exists(s_pipelines, m => ReferenceEquals(m.Sequencer, sequencer));

    private static Meter CreateMeter()
    {
        var meter = new Meter(PipelineMetrics.MeterName, typeof(EngineMeter).Assembly.GetName().Version?.ToString());

        meter.CreateObservableCounter("lowlatency.pipeline.published", () => PerPipeline(m => m.Sequencer.Cursor.ValueAcquire + 1), "{event}", "Events published into the ring.");
        meter.CreateObservableUpDownCounter("lowlatency.pipeline.occupancy", () => PerPipeline(m => m.Sequencer.Occupancy), "{slot}", "Ring slots claimed and not yet released by every terminal stage.");
        meter.CreateObservableUpDownCounter("lowlatency.pipeline.capacity", () => PerPipeline(m => (long)m.Sequencer.BufferSize), "{slot}", "Ring slots.");
        meter.CreateObservableCounter("lowlatency.pipeline.backpressured_time", BackPressuredTime, "s", "Time producers were blocked or refused for lack of room.");

        meter.CreateObservableCounter("lowlatency.stage.processed", () => PerStage(static (_, s, _) => s.Sequence.ValueAcquire + 1), "{event}", "Events the stage finished with.");
        meter.CreateObservableUpDownCounter("lowlatency.stage.lag", () => PerStage(static (m, s, _) => Math.Max(0, m.Sequencer.Cursor.ValueAcquire - s.Sequence.ValueAcquire)), "{event}", "Producer cursor minus the stage's sequence.");
        meter.CreateObservableCounter("lowlatency.stage.dead_lettered", () => PerStage(static (_, s, _) => s.DeadLettered), "{event}", "Events given up on under a dead-letter policy.");
        meter.CreateObservableUpDownCounter("lowlatency.stage.stalled", () => PerStage(static (m, _, i) => m.Watchdog?.IsStalled(i) == true ? 1L : 0L), "{stage}", "1 while the watchdog reports the stage stalled.");
        meter.CreateObservableCounter("lowlatency.stage.stalls", () => PerStage(static (m, _, i) => m.Watchdog?.StallsOf(i) ?? 0L), "{stall}", "Stalls reported by the watchdog.");
        meter.CreateObservableGauge("lowlatency.stage.latency", Latency, "ns", "Publish-to-stage latency of sampled sequences (quantile tag; cumulative).");
        meter.CreateObservableCounter("lowlatency.stage.latency_samples", LatencySamples, "{sample}", "Sampled sequences recorded in the latency histogram.");
        meter.CreateObservableCounter("lowlatency.stage.late", Late, "{event}", "Late events by reason, as counted by the stage.");
        meter.CreateObservableGauge("lowlatency.stage.watermark", () => Freshness(static f => f.Watermark), "{tick}", "The stage's event-time watermark (host ticks).");
        meter.CreateObservableGauge("lowlatency.stage.event_time_lag", () => Freshness(static f => f.EventTimeLag), "{tick}", "Processing clock minus watermark (host ticks): how stale the stage's event-time results are.");

        meter.CreateObservableCounter("lowlatency.source.published", () => PerSource(static s => s.Published), "{event}", "Events the source put into the ring.");
        meter.CreateObservableCounter("lowlatency.source.dropped", Dropped, "{event}", "Events offered to the source and not accepted, by reason.");
        meter.CreateObservableUpDownCounter("lowlatency.source.paused", () => PerSource(static s => s.IsPaused ? 1L : 0L), "{source}", "1 while the source is paused (above its high mark until back at its low mark).");
        meter.CreateObservableCounter("lowlatency.source.backpressured_time", () => PerSourceDouble(static s => s.BackPressuredTime.TotalSeconds), "s", "Time the source was refused or waited for room.");
        return meter;
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    private static List<Measurement<long>> PerPipeline(Func<PipelineMetrics, long> read)
    {
        var list = new List<Measurement<long>>();
        foreach (PipelineMetrics m in s_pipelines)
        {
            list.Add(new Measurement<long>(read(m), Tag("pipeline", m.PipelineName)));
        }

        return list;
    }

    private static List<Measurement<double>> BackPressuredTime()
    {
        var list = new List<Measurement<double>>();
        foreach (PipelineMetrics m in s_pipelines)
        {
            TimeSpan total = m.Sequencer.BlockedTime;
            foreach (EventSource source in m.Sources)
            {
                total += source.BackPressuredTime;
            }

            list.Add(new Measurement<double>(total.TotalSeconds, Tag("pipeline", m.PipelineName)));
        }

        return list;
    }

    private static List<Measurement<long>> PerStage(Func<PipelineMetrics, EventProcessor, int, long> read)
    {
        var list = new List<Measurement<long>>();
        foreach (PipelineMetrics m in s_pipelines)
        {
            ReadOnlySpan<EventProcessor> stages = m.Stages;
            for (int i = 0; i < stages.Length; i++)
            {
                list.Add(new Measurement<long>(read(m, stages[i], i), Tag("pipeline", m.PipelineName), Tag("stage", stages[i].Name)));
            }
        }

        return list;
    }

    private static List<Measurement<long>> Latency()
    {
        var list = new List<Measurement<long>>();
        foreach (PipelineMetrics m in s_pipelines)
        {
            if (!m.LatencyEnabled)
            {
                continue;
            }

            ReadOnlySpan<EventProcessor> stages = m.Stages;
            for (int i = 0; i < stages.Length; i++)
            {
                LatencySummary summary = m.CaptureLatency(i);
                foreach ((string quantile, Func<LatencySummary, long> value) in s_quantiles)
                {
                    list.Add(new Measurement<long>(value(summary), Tag("pipeline", m.PipelineName), Tag("stage", stages[i].Name), Tag("quantile", quantile)));
                }
            }
        }

        return list;
    }

    private static List<Measurement<long>> LatencySamples()
    {
        var list = new List<Measurement<long>>();
        foreach (PipelineMetrics m in s_pipelines)
        {
            if (!m.LatencyEnabled)
            {
                continue;
            }

            ReadOnlySpan<EventProcessor> stages = m.Stages;
            for (int i = 0; i < stages.Length; i++)
            {
                list.Add(new Measurement<long>(m.CaptureLatency(i).Samples, Tag("pipeline", m.PipelineName), Tag("stage", stages[i].Name)));
            }
        }

        return list;
    }

    private static List<Measurement<long>> Late()
    {
        var list = new List<Measurement<long>>();
        foreach (PipelineMetrics m in s_pipelines)
        {
            foreach (PipelineMetrics.LateCounter late in m.LateCounters)
            {
                list.Add(new Measurement<long>(late.Read(), Tag("pipeline", m.PipelineName), Tag("stage", late.Stage), Tag("reason", late.Reason)));
            }
        }

        return list;
    }

    private static List<Measurement<long>> Freshness(Func<FreshnessSnapshot, long?> read)
    {
        var list = new List<Measurement<long>>();
        foreach (PipelineMetrics m in s_pipelines)
        {
            foreach (PipelineMetrics.WatermarkSource source in m.WatermarkSources)
            {
                if (read(source.Capture()) is long value)
                {
                    list.Add(new Measurement<long>(value, Tag("pipeline", m.PipelineName), Tag("stage", source.Stage)));
                }
            }
        }

        return list;
    }

    private static List<Measurement<long>> PerSource(Func<EventSource, long> read)
    {
        var list = new List<Measurement<long>>();
        foreach (PipelineMetrics m in s_pipelines)
        {
            foreach (EventSource source in m.Sources)
            {
                list.Add(new Measurement<long>(read(source), Tag("pipeline", m.PipelineName), Tag("source", source.Name)));
            }
        }

        return list;
    }

    private static List<Measurement<double>> PerSourceDouble(Func<EventSource, double> read)
    {
        var list = new List<Measurement<double>>();
        foreach (PipelineMetrics m in s_pipelines)
        {
            foreach (EventSource source in m.Sources)
            {
                list.Add(new Measurement<double>(read(source), Tag("pipeline", m.PipelineName), Tag("source", source.Name)));
            }
        }

        return list;
    }

    private static List<Measurement<long>> Dropped()
    {
        var list = new List<Measurement<long>>();
        foreach (PipelineMetrics m in s_pipelines)
        {
            foreach (EventSource source in m.Sources)
            {
                for (int r = 0; r < s_reasons.Length; r++)
                {
                    list.Add(new Measurement<long>(source.GetDropped(s_reasons[r]), Tag("pipeline", m.PipelineName), Tag("source", source.Name), Tag("reason", s_reasonNames[r])));
                }
            }
        }

        return list;
    }
}
