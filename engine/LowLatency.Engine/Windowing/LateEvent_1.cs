using System.Runtime.InteropServices;

namespace LowLatency.Engine.Windowing;

/// <summary>An event of the late side output, with why and against which watermark it was refused.</summary>
/// <typeparam name="TEvent">The input event type.</typeparam>
[StructLayout(LayoutKind.Auto)]
public struct LateEvent<TEvent>
    where TEvent : struct
{
    /// <summary>The event.</summary>
    public TEvent Event;

    /// <summary>Why no window took it.</summary>
    public LateReason Reason;

    /// <summary>The watermark it was judged against.</summary>
    public long Watermark;
}
