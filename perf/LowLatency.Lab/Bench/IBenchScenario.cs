namespace LowLatency.Lab.Bench;

/// <summary>One side-by-side throughput scenario of <c>lowlatency bench</c>.</summary>
internal interface IBenchScenario
{
    /// <summary>Stable name, used in the table and the JSON report (e.g. <c>engine-1p1c-yielding-batch</c>).</summary>
    string Name { get; }

    /// <summary>What the scenario is compared against (e.g. <c>engine</c>, <c>window</c>, <c>tcp</c>, <c>kafka</c>).</summary>
    string Group { get; }

    /// <summary>One line: what runs, which wait strategy, which baseline.</summary>
    string Description { get; }

    /// <summary>Runs one measured iteration (after its own warm-up) and returns what it measured.</summary>
    BenchResult Run(BenchContext context);
}
