using System.CommandLine;
using LowLatency.Engine.Journal;
using LowLatency.Lab.Commands;

namespace LowLatency.Lab.Journal;

/// <summary><c>--journal-compress none|lz4</c>: whether the journal's sealed segments are compressed (<see cref="JournalOptions.Compressor"/>).</summary>
internal static class JournalCompressOption
{
    public const string Name = "--journal-compress";

    public static Option<string?> Create() => new(Name)
    {
        Description = "With --journal: compress each sealed segment in the background (none, the default, or lz4). " +
            "Replay and `journal inspect` read compressed segments transparently; inspect shows the ratio.",
    };

    /// <summary>The compressor <paramref name="value"/> names (null for none or no value); a <see cref="UsageException"/> naming the option otherwise.</summary>
    public static ISegmentCompressor? Parse(string? value) => value switch
    {
        null or "none" => null,
        "lz4" => Lz4SegmentCompressor.Instance,
        _ => throw new UsageException($"{Name} must be none or lz4, got '{value}'."),
    };
}
