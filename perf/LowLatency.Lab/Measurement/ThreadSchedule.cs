using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace LowLatency.Lab.Measurement;

/// <summary>
/// What the Linux scheduler says about one thread (<c>/proc/…/task/TID/schedstat</c>, nanoseconds): how long it ran,
/// and how long it was runnable but waiting for a core. The second is the honest measure of "other work took the
/// core from it" on a small box. Read outside measured sections (it allocates); elsewhere than Linux, unavailable.
/// </summary>
internal readonly record struct ThreadSchedule(long RunNs, long RunnableWaitNs)
{
    /// <summary>The calling thread's figures, or null where <c>/proc/thread-self/schedstat</c> does not exist.</summary>
    public static ThreadSchedule? OfCurrentThread() => Read("/proc/thread-self/schedstat");

    /// <summary>
    /// The schedstat file of this process's first thread whose name starts with <paramref name="namePrefix"/>, or null.
    /// Read it with <see cref="Read"/> while the thread runs: the file goes when the thread ends.
    /// </summary>
    public static string? FindThread(string namePrefix) => FindThreads(namePrefix).FirstOrDefault();

    /// <summary>
    /// <see cref="FindThread"/>, retried for up to <paramref name="bound"/> on Linux: a thread just started names itself
    /// once it runs. Null when no such thread appeared (or elsewhere than Linux).
    /// </summary>
    public static string? AwaitThread(string namePrefix, TimeSpan bound)
    {
        string? path = FindThread(namePrefix);
        for (var waited = Stopwatch.StartNew(); path is null && OperatingSystem.IsLinux() && waited.Elapsed < bound; Thread.Sleep(1))
        {
            path = FindThread(namePrefix);
        }

        return path;
    }

    /// <summary>The schedstat files of every thread of this process whose name starts with <paramref name="namePrefix"/> (none elsewhere than Linux).</summary>
    public static List<string> FindThreads(string namePrefix)
    {
        var found = new List<string>();
        if (!Directory.Exists("/proc/self/task"))
        {
            return found;
        }

        Span<byte> name = stackalloc byte[64];
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (Encoding.UTF8.GetString(name[..ReadFile(Path.Combine(task, "comm"), name)]).StartsWith(namePrefix, StringComparison.Ordinal))
                {
                    found.Add(Path.Combine(task, "schedstat"));
                }
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return found;
    }

    public static ThreadSchedule operator -(ThreadSchedule end, ThreadSchedule start) =>
        new(end.RunNs - start.RunNs, end.RunnableWaitNs - start.RunnableWaitNs);

    /// <summary>The figures in a schedstat file, or null when it cannot be read (the thread ended). Allocates little: a monitor reads it while a run is measured.</summary>
    public static ThreadSchedule? Read(string path)
    {
        try
        {
            // "run_ns runnable_wait_ns timeslices"
            Span<byte> text = stackalloc byte[96];
            text = text[..ReadFile(path, text)];
            if (Utf8Parser.TryParse(text, out long runNs, out int used) && text.Length > used
                && Utf8Parser.TryParse(text[(used + 1)..], out long waitNs, out _))
            {
                return new ThreadSchedule(runNs, waitNs);
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int ReadFile(string path, Span<byte> buffer)
    {
        using SafeFileHandle handle = File.OpenHandle(path);
        return RandomAccess.Read(handle, buffer, 0);
    }
}
