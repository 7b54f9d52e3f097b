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
    public static string? FindThread(string namePrefix)
    {
        if (!Directory.Exists("/proc/self/task"))
        {
            return null;
        }

        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(namePrefix, StringComparison.Ordinal))
                {
                    return Path.Combine(task, "schedstat");
                }
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return null;
    }

    public static ThreadSchedule operator -(ThreadSchedule end, ThreadSchedule start) =>
        new(end.RunNs - start.RunNs, end.RunnableWaitNs - start.RunnableWaitNs);

    /// <summary>The figures in a schedstat file, or null when it cannot be read (the thread ended).</summary>
    public static ThreadSchedule? Read(string path)
    {
        try
        {
            // "run_ns runnable_wait_ns timeslices"
            string[] fields = File.ReadAllText(path).Split(' ');
            return new ThreadSchedule(long.Parse(fields[0]), long.Parse(fields[1]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
