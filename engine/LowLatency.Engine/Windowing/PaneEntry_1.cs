using System.Runtime.InteropServices;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// One (key, pane) entry of a <see cref="TimeWindowOperator{TEvent, TKey, TAcc, TFunction, TSink}"/>, all its fields in
/// one place: opening, firing and freeing a pane each touch one entry, not one array per field.
/// </summary>
/// <typeparam name="TAcc">The accumulator.</typeparam>
[StructLayout(LayoutKind.Auto)]
internal struct PaneEntry<TAcc>
    where TAcc : unmanaged
{
    public long Start;
    public int KeyId;
    public int Next;      // the next entry of its pane-start group (arrival order), or the free-list link
    public int Older;     // the key's next older pane, or -1
    public int Newer;     // the key's next newer pane, or -1 (then it is the key's newest)
    public bool IsNewest; // its accumulator lives in the key's NewestPane, not in Acc
    public TAcc Acc;
}
