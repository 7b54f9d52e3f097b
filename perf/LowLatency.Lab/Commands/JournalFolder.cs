using System.CommandLine;

namespace LowLatency.Lab.Commands;

/// <summary>The DIR argument of <c>replay</c> and <c>journal inspect</c>: a journal folder that must exist.</summary>
internal static class JournalFolder
{
    public static Argument<DirectoryInfo> Create() => new("DIR") { Description = "The journal folder." };

    /// <summary>The folder's full path; a usage error naming DIR (exit 2, before any work) when it does not exist.</summary>
    public static string Existing(DirectoryInfo folder) =>
        folder.Exists ? folder.FullName : throw new UsageException($"DIR: journal folder '{folder.FullName}' does not exist.");
}
