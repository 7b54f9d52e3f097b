using LowLatency.Testing;

namespace LowLatency.Engine.Tests;

/// <summary>The repository's README.md.</summary>
internal static class ReadmeFile
{
    public static string Path { get; } = System.IO.Path.Combine(RepositoryFolder.Path, "README.md");
}
