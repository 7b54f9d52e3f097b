using System.Runtime.InteropServices;

namespace LowLatency.Lab.Journal;

/// <summary>A 32-byte event whose fields follow from its journal position: what the journal workers write and check.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ProbeEvent
{
    public long Position;
    public long Timestamp;
    public long Key;
    public long Check;

    public static ProbeEvent At(long position) => new() { Position = position, Timestamp = position * 1_000, Key = position % 64, Check = position * 0x1E3779B97F4A7C15 };

    public readonly bool IsAt(long position) => this.Equals(At(position));
}
