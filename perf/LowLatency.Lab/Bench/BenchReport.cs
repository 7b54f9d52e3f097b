using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LowLatency.Lab.Bench;

/// <summary>The bench table on the console and the JSON report (field names are stable: see the README).</summary>
internal static class BenchReport
{
    /// <summary>
    /// <paramref name="row"/>'s rate ÷ the rate of the scenario named <paramref name="other"/>: the median of
    /// per-round ratios when the run had rounds, else the ratio of medians; null when that scenario did not run.
    /// </summary>
    private static double? RatioTo(IReadOnlyList<BenchRow> rows, BenchRow row, string other, CoreToCoreFloor floor)
    {
        BenchRow? reference = rows.FirstOrDefault(r => r.Scenario.Name == other);
        if (reference is null || reference.Median.EventsPerSecond <= 0)
        {
            return null;
        }

        return floor.InRounds ? BenchRounds.MedianRatio(row, reference) : row.Median.EventsPerSecond / reference.Median.EventsPerSecond;
    }

    /// <summary>
    /// In a rounds run, each figure of <paramref name="row"/> (p99 latency, …) ÷ the same figure of its reference in the
    /// same round, the median over the rounds: how the two compare on more than the rate. Empty otherwise.
    /// </summary>
    private static IReadOnlyList<(string Name, double Ratio)> FigureRatios(IReadOnlyList<BenchRow> rows, BenchRow row, CoreToCoreFloor floor)
    {
        if (!floor.InRounds || row.Median.Figures is not { Count: > 0 } figures || BenchCatalog.ReferenceOf(row.Scenario.Name) is not { } name)
        {
            return [];
        }

        BenchRow? reference = rows.FirstOrDefault(r => r.Scenario.Name == name);
        var ratios = new List<(string, double)>();
        foreach (string figure in figures.Keys)
        {
            if (BenchRounds.MedianFigureRatio(row, reference, figure) is { } ratio)
            {
                ratios.Add((figure, ratio));
            }
        }

        return ratios;
    }

    private static string Format(double? ratio, string format = "F1") => ratio?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    public static string Table(IReadOnlyList<BenchRow> rows, CoreToCoreFloor floor)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"machine: {MachineInfo.Current}");
        text.AppendLine(CultureInfo.InvariantCulture, $"core-to-core round trip (two spinning threads, no ring): {floor.BeforeNanoseconds:F0} ns before, {(floor.AfterNanoseconds is { } after ? $"{after:F0} ns after" : "not measured after (interrupted)")}");
        if (floor.InRounds)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{floor.RoundNanoseconds!.Count} rounds, order rotated; core-to-core at each round's start: {string.Join(", ", floor.RoundNanoseconds.Select(p => p.ToString("F0", CultureInfo.InvariantCulture)))} ns; rates are medians over rounds, ratios medians of per-round ratios");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{"scenario",-34} {"M events/s",12} {"× " + BenchCatalog.Baseline,17} {"× reference",12} {"reference",-28} {"B/event",9}  description");
        foreach (BenchRow row in rows)
        {
            BenchResult median = row.Median;
            string ratio = Format(RatioTo(rows, row, BenchCatalog.Baseline, floor));
            string? referenceName = BenchCatalog.ReferenceOf(row.Scenario.Name);
            string toReference = referenceName is null ? "-" : Format(RatioTo(rows, row, referenceName, floor), "F2");
            text.AppendLine(CultureInfo.InvariantCulture, $"{row.Scenario.Name,-34} {median.EventsPerSecond / 1e6,12:F1} {ratio,17} {toReference,12} {referenceName ?? "-",-28} {median.AllocatedBytesPerEvent,9:F2}  {row.Scenario.Description}");
            if (median.Figures is { Count: > 0 })
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{"",-34} {median.FiguresText()}");
            }

            if (FigureRatios(rows, row, floor) is { Count: > 0 } figureRatios)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{"",-34} × reference per round (median): {string.Join("  ", figureRatios.Select(f => $"{f.Name} {f.Ratio:F2}"))}");
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Writes the JSON report: <c>elapsedSeconds</c> when <paramref name="elapsed"/> is given, <c>interrupted</c>
    /// true when Ctrl+C ended the run (<c>results</c> then holds the scenarios measured before it).
    /// </summary>
    public static void WriteJson(string path, IReadOnlyList<BenchRow> rows, CoreToCoreFloor floor, TimeSpan? elapsed = null, bool interrupted = false)
    {
        using FileStream file = File.Create(path);
        using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("machine");
        MachineInfo machine = MachineInfo.Current;
        json.WriteString("cpu", machine.Cpu);
        json.WriteNumber("cores", machine.Cores);
        json.WriteNumber("memoryBytes", machine.MemoryBytes);
        json.WriteString("os", machine.Os);
        json.WriteString("runtime", machine.Runtime);
        json.WriteStartObject("coreToCoreRoundTripNs");
        json.WriteNumber("before", Math.Round(floor.BeforeNanoseconds, 1));
        if (floor.AfterNanoseconds is { } after)
        {
            json.WriteNumber("after", Math.Round(after, 1));
        }
        else
        {
            json.WriteNull("after");
        }

        if (floor.InRounds)
        {
            json.WriteStartArray("rounds");
            foreach (double probe in floor.RoundNanoseconds!)
            {
                json.WriteNumberValue(Math.Round(probe, 1));
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteString("baseline", BenchCatalog.Baseline);
        json.WriteBoolean("interrupted", interrupted);
        json.WriteNumber("rounds", floor.InRounds ? floor.RoundNanoseconds!.Count : 1);
        if (elapsed is { } e)
        {
            json.WriteNumber("elapsedSeconds", Math.Round(e.TotalSeconds, 3));
        }

        json.WriteStartArray("results");
        foreach (BenchRow row in rows)
        {
            BenchResult median = row.Median;
            json.WriteStartObject();
            json.WriteString("name", row.Scenario.Name);
            json.WriteString("group", row.Scenario.Group);
            json.WriteString("description", row.Scenario.Description);
            json.WriteNumber("eventsPerSecond", Math.Round(median.EventsPerSecond));
            json.WriteNumber("allocatedBytesPerEvent", Math.Round(median.AllocatedBytesPerEvent, 4));
            if (RatioTo(rows, row, BenchCatalog.Baseline, floor) is { } toBaseline)
            {
                json.WriteNumber("ratioToBaseline", Math.Round(toBaseline, 3));
            }

            if (BenchCatalog.ReferenceOf(row.Scenario.Name) is { } reference)
            {
                json.WriteString("reference", reference);
                if (RatioTo(rows, row, reference, floor) is { } toReference)
                {
                    json.WriteNumber("ratioToReference", Math.Round(toReference, 3));
                }
            }

            json.WriteNumber("events", median.Events);
            json.WriteNumber("iterations", row.Iterations.Count);
            json.WriteStartArray("iterationEventsPerSecond");
            foreach (BenchResult iteration in row.Iterations)
            {
                json.WriteNumberValue(Math.Round(iteration.EventsPerSecond));
            }

            json.WriteEndArray();
            if (median.Figures is { Count: > 0 } figures)
            {
                json.WriteStartObject("figures");
                foreach ((string name, double value) in figures)
                {
                    json.WriteNumber(name, Math.Round(value, 3));
                }

                json.WriteEndObject();

                // Every iteration's figures (a round each under --rounds): a latency figure's spread, not only the median run's.
                json.WriteStartArray("iterationFigures");
                foreach (BenchResult iteration in row.Iterations)
                {
                    json.WriteStartObject();
                    foreach ((string name, double value) in iteration.Figures ?? new Dictionary<string, double>())
                    {
                        json.WriteNumber(name, Math.Round(value, 3));
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            if (FigureRatios(rows, row, floor) is { Count: > 0 } figureRatios)
            {
                json.WriteStartObject("figuresToReference");
                foreach ((string name, double ratio) in figureRatios)
                {
                    json.WriteNumber(name, Math.Round(ratio, 3));
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
