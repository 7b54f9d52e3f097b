using System.Runtime.CompilerServices;

namespace LowLatency.Adapters.WebSockets;

/// <summary>The numeric fields of one update, in the order its topic declares them (at most <see cref="Capacity"/>).</summary>
[InlineArray(Capacity)]
public struct LiveValues
{
    /// <summary>The most fields a topic can declare.</summary>
    public const int Capacity = 8;

    // The first element of the inline array: the runtime lays out Capacity of them.
    private double _element0;
}
