namespace LowLatency.Engine.Tests;

/// <summary>The repository's README.md, found from the test's output folder.</summary>
internal static class ReadmeFile
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(System.IO.Path.Combine(dir.FullName, "LowLatency.sln")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"README.md not found above {AppContext.BaseDirectory}");
    }
}
