using System.Runtime.InteropServices;

namespace LowLatency.Engine.Windowing;

/// <summary>The (key, pane) entries of one pane start, as an intrusive list through the pane table's slots.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct PaneGroup
{
    public long Start;
    public int Head;
    public int Tail;
    public int Count;
}
