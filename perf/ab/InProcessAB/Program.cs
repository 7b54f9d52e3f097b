// In-process A/B of one `lowlatency bench` scenario between two builds of the lab.
//
// Usage: dotnet run --project perf/ab/InProcessAB -c Release -- BASE_LAB_DIR HEAD_LAB_DIR SCENARIO [EVENTS] [PAIRS]
//   e.g. ... /tmp/base/perf/LowLatency.Lab/bin/Release/net10.0 /tmp/head/perf/LowLatency.Lab/bin/Release/net10.0
//            window-session 4000000 40
// SCENARIO is a `bench` scenario's name (or its type's full name); a scenario that runs for a time budget rather than a
// number of events is not comparable this way.
//
// Each build's lab (and the engine beside it) loads into its own AssemblyLoadContext, and the scenario's Run is called
// alternately, base first in even pairs and head first in odd ones, a fraction of a second per call. compare-builds.py
// alternates whole processes, tens of seconds apart; on this VM the session row moved 11–19 M events/s between calls
// seconds apart, so only many short, interleaved pairs resolve a change of a few percent. The report gives each
// build's median rate and the median of the per-pair head ÷ base ratios, with how many pairs favoured the head.
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;

const string Usage = "usage: in-process-ab BASE_LAB_DIR HEAD_LAB_DIR SCENARIO [EVENTS=4000000] [PAIRS=40]";
long events = 4_000_000;
int pairs = 40;
if (args.Length is < 3 or > 5
    || (args.Length > 3 && (!long.TryParse(args[3], CultureInfo.InvariantCulture, out events) || events < 1))
    || (args.Length > 4 && (!int.TryParse(args[4], CultureInfo.InvariantCulture, out pairs) || pairs < 1)))
{
    Console.Error.WriteLine(Usage + " (EVENTS and PAIRS: positive integers)");
    return 2;
}

Func<double>[] builds;
try
{
    builds = [Scenario.Load(args[0], args[2], events), Scenario.Load(args[1], args[2], events)];
}
catch (Exception e) when (e is ArgumentException or IOException)
{
    Console.Error.WriteLine($"in-process-ab: {e.Message}");
    return 2;
}

foreach (Func<double> build in builds)
{
    for (int i = 0; i < 3; i++)
    {
        build(); // warm-up: tiered compilation settles
    }
}

var rates = new List<double>[] { [], [] };
var ratios = new List<double>();
for (int p = 0; p < pairs; p++)
{
    var pair = new double[2];
    foreach (int side in p % 2 == 0 ? new[] { 0, 1 } : [1, 0])
    {
        pair[side] = builds[side]();
        rates[side].Add(pair[side]);
    }

    ratios.Add(pair[1] / pair[0]);
}

Console.WriteLine($"scenario {args[2]}, {events:N0} events a call, {pairs} pairs");
Console.WriteLine($"base {args[0]}: {Scenario.Format(rates[0])}");
Console.WriteLine($"head {args[1]}: {Scenario.Format(rates[1])}");
Console.WriteLine(FormattableString.Invariant(
    $"median M events/s: base {Scenario.Median(rates[0]) / 1e6:F2}, head {Scenario.Median(rates[1]) / 1e6:F2}; median head/base per pair {Scenario.Median(ratios):F3}; head faster in {ratios.Count(r => r > 1)} of {pairs} pairs"));
return 0;

/// <summary>One build's scenario, loaded beside its own engine.</summary>
internal static class Scenario
{
    /// <summary>A call that runs the scenario once and returns its events per second.</summary>
    public static Func<double> Load(string labDirectory, string name, long events)
    {
        labDirectory = Path.GetFullPath(labDirectory); // a load context takes absolute paths only
        var context = new BuildLoadContext(labDirectory);
        Assembly lab = context.LoadFromAssemblyPath(Path.Combine(labDirectory, "lowlatency.dll"));
        object instance = Find(lab, name);
        MethodInfo run = instance.GetType().GetMethod("Run") ?? throw new MissingMethodException(name, "Run");
        object benchContext = Activator.CreateInstance(lab.GetType("LowLatency.Lab.Bench.BenchContext", throwOnError: true)!, false, events)!;
        return () =>
        {
            object result = run.Invoke(instance, [benchContext])!;
            long handled = (long)result.GetType().GetProperty("Events")!.GetValue(result)!;
            var elapsed = (TimeSpan)result.GetType().GetProperty("Elapsed")!.GetValue(result)!;
            return handled / elapsed.TotalSeconds;
        };
    }

    /// <summary>
    /// The scenario named <paramref name="name"/> (its bench name or its type's full name) in the lab's own catalogue
    /// (<c>BenchCatalog.All</c>, the list <c>bench</c> runs), so parameterised rows such as <c>demo-1m-journal</c> are found too.
    /// </summary>
    private static object Find(Assembly lab, string name)
    {
        Type catalog = lab.GetType("LowLatency.Lab.Bench.BenchCatalog", throwOnError: true)!;
        var scenarios = (System.Collections.IEnumerable)catalog.GetProperty("All")!.GetValue(null)!;
        PropertyInfo nameOf = lab.GetType("LowLatency.Lab.Bench.IBenchScenario", throwOnError: true)!.GetProperty("Name")!;
        foreach (object scenario in scenarios)
        {
            if (scenario.GetType().FullName == name || (string)nameOf.GetValue(scenario)! == name)
            {
                return scenario;
            }
        }

        throw new ArgumentException($"no scenario named '{name}' in {lab.Location}");
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static string Format(List<double> rates) => string.Join(" ", rates.Select(r => (r / 1e6).ToString("F1", CultureInfo.InvariantCulture)));

    /// <summary>Resolves a build's assemblies from its own directory first.</summary>
    private sealed class BuildLoadContext(string directory) : AssemblyLoadContext(isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            string path = Path.Combine(directory, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
