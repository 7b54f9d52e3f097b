using System.Diagnostics;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

/// <summary>A 1 MiB tmpfs mounted for one test (root only; the test is ignored, saying why, elsewhere).</summary>
public sealed class SmallTmpfs : IDisposable
{
    private SmallTmpfs(string path) => Path = path;

    public string Path { get; }

    public static SmallTmpfs Mount(string size = "1m")
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("a small tmpfs needs Linux");
        }

        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lljournal-full-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        if (Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path) != 0)
        {
            Directory.Delete(path);
            Assert.Ignore("mounting a tmpfs needs root (CI runs as root)");
        }

        return new SmallTmpfs(path);
    }

    public void Dispose()
    {
        _ = Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using Process process = Process.Start(info)!;
            if (!process.WaitForExit(10_000))
            {
                process.Kill();
                return -1;
            }

            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
