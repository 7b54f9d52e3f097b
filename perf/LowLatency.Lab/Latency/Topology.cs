namespace LowLatency.Lab.Latency;

/// <summary>The stage graphs a run can drive; every one ends in the latency-recording, verifying sink.</summary>
internal enum Topology
{
    /// <summary>The demo: validate/enrich → windows → risk check → sink.</summary>
    Demo = 0,

    /// <summary>Producer → sink: one hop across threads.</summary>
    OneHop = 1,

    /// <summary>Producer → stage → stage → sink: a three-stage chain.</summary>
    Pipeline3 = 2,

    /// <summary>Producer → stage → (stage ∥ stage) → sink: fan-out and join.</summary>
    Diamond = 3,

    /// <summary>Producer → validate → window stage → sink.</summary>
    Window = 4,
}
