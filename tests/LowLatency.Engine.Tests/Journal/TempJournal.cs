namespace LowLatency.Engine.Tests.Journal;

/// <summary>A fresh directory under the temp path, deleted on dispose.</summary>
public sealed class TempJournal : IDisposable
{
    public TempJournal(string? root = null)
    {
        Directory = Path.Combine(root ?? Path.GetTempPath(), "lljournal-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string[] Segments()
    {
        string[] files = System.IO.Directory.GetFiles(Directory, "*.journal");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
