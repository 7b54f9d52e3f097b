using LowLatency.Engine.Windowing;

namespace LowLatency.Testing.Windowing;

/// <summary>What a <see cref="CollectingSink{TEvent, TKey, TAcc}"/> saw, tagged with the input index the driver set.</summary>
public sealed class WindowCollector<TEvent, TKey, TAcc>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
{
    public List<(int Index, WindowResult<TKey, TAcc> Result)> Results { get; } = new();

    public List<(int Index, TEvent Event, LateReason Reason)> Late { get; } = new();

    public int EndMarkers { get; set; }

    /// <summary>Set by the driver before each event (the index of the input that caused what follows).</summary>
    public int CurrentIndex { get; set; }

    public bool Record { get; set; } = true;
}
