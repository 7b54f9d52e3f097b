namespace LowLatency.Testing;

/// <summary>
/// The repository's root folder (the one holding <c>LowLatency.sln</c>), found by walking up from the test's
/// output folder. Source paths compiled into the tests cannot be used: CI builds map them to <c>/_/</c>.
/// </summary>
public static class RepositoryFolder
{
    /// <summary>The root folder's full path.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "LowLatency.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no LowLatency.sln above {AppContext.BaseDirectory}");
    }
}
