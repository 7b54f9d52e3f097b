using System.Runtime.InteropServices;

namespace LowLatency.Engine.Tests.Journal;

/// <summary>A 32-byte event for journal tests.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct JournalTestEvent
{
    public long Id;
    public long Timestamp;
    public long Key;
    public long Payload;

    public static JournalTestEvent For(long id) => new() { Id = id, Timestamp = id * 10, Key = id % 7, Payload = id * 31 };
}
