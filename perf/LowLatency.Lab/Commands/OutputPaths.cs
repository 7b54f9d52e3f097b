namespace LowLatency.Lab.Commands;

/// <summary>
/// Checks output paths before a run, so a report is never lost after the work is done. The lab creates at
/// most the last folder of a path (like <c>mkdir</c>, not <c>mkdir -p</c>): <c>--json lab-output/x.json</c>
/// works on a fresh clone, while a typo deeper in a path is refused instead of building a tree somewhere.
/// </summary>
internal static class OutputPaths
{
    /// <summary>Checks that <paramref name="path"/> can be written (creating its folder if only that is missing); throws <see cref="UsageException"/> naming <paramref name="option"/>.</summary>
    public static string CheckFile(string option, string path)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new UsageException($"{option}: '{path}' is a folder; give a file path.");
        }

        EnsureFolder(option, Path.GetDirectoryName(full)!, path);
        bool existed = File.Exists(full);
        try
        {
            // Open for writing without truncating: an existing report stays as it is until the run replaces it.
            using (new FileStream(full, FileMode.OpenOrCreate, FileAccess.Write))
            {
            }

            if (!existed)
            {
                File.Delete(full);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot write '{path}': {e.Message}");
        }

        return full;
    }

    /// <summary>Checks that files can be created in <paramref name="path"/> (creating it if only its last level is missing).</summary>
    public static string CheckFolder(string option, string path)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new UsageException($"{option}: '{path}' is a file; give a folder.");
        }

        EnsureFolder(option, full, path);
        string probe = Path.Combine(full, $".lowlatency-write-check-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot write in '{path}': {e.Message}");
        }

        return full;
    }

    private static void EnsureFolder(string option, string folder, string given)
    {
        if (Directory.Exists(folder))
        {
            return;
        }

        string? parent = Path.GetDirectoryName(folder);
        if (parent is null || !Directory.Exists(parent))
        {
            throw new UsageException($"{option}: the folder '{parent}' of '{given}' does not exist (the lab creates only the last folder of a path).");
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot create the folder '{folder}': {e.Message}");
        }
    }
}
