using System.Runtime.InteropServices;

namespace LowLatency.Engine.State;

/// <summary>Where an entry of a <see cref="CalendarQueue{TEntry}"/> is queued; written only by the queue. The default value: not queued.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct CalendarLink
{
    public int Next;    // the bucket's next entry, or -1
    public int Prev;    // the bucket's previous entry, or -1 (first)
    public int Where;   // 0: not queued; -1: in the run (below the horizon); b + 1: in bucket b

    /// <summary>In the queue (in the run or in a bucket).</summary>
    public readonly bool IsQueued => Where != 0;
}
