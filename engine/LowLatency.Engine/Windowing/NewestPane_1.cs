using System.Runtime.InteropServices;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// A key's newest pane: its start, its slot in the pane table (-1: none) and its accumulator, which lives here
/// (not in the pane table) while the pane is the newest, so the common update touches this one entry.
/// </summary>
/// <typeparam name="TAcc">The accumulator type.</typeparam>
[StructLayout(LayoutKind.Sequential)]
internal struct NewestPane<TAcc>
    where TAcc : unmanaged
{
    public long Start;
    public int Slot;
    public TAcc Acc;
}
