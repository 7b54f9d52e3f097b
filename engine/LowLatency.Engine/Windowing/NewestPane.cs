using System.Runtime.InteropServices;

namespace LowLatency.Engine.Windowing;

/// <summary>A key's newest pane: its start and its slot in the pane table (-1: none). One cache line holds both.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NewestPane
{
    public long Start;
    public int Slot;
}
