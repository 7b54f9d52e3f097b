namespace LowLatency.Engine.Journal;

/// <summary>
/// When appended records reach the disk, and so what a crash can lose. A process crash (<c>kill -9</c>)
/// loses nothing under any policy: records live in the kernel's page cache as soon as they are appended.
/// The policies differ on an operating-system crash or power loss.
/// </summary>
public enum JournalDurability
{
    /// <summary>The kernel writes pages back when it likes (Linux: within ~30 s). An OS crash can lose every record since its last write-back.</summary>
    None,

    /// <summary><c>msync</c> every <see cref="JournalOptions.SyncInterval"/> (on the journaling thread). An OS crash loses at most one interval plus one batch.</summary>
    IntervalSync,

    /// <summary><c>msync</c> at the end of every batch, before the journaling stage releases it. An OS crash loses nothing a later stage (or an acknowledgement) has seen.</summary>
    SyncPerBatch,
}
