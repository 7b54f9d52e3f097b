using System.Diagnostics;

namespace LowLatency.Testing;

/// <summary>The number of OS threads of this process, for "threads back to baseline" assertions.</summary>
public static class ThreadCounter
{
    /// <summary>Current OS thread count.</summary>
    public static int Current
    {
        get
        {
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            return process.Threads.Count;
        }
    }

    /// <summary>Waits (bounded) until the thread count is at most <paramref name="baseline"/> and returns the last count seen.</summary>
    public static int WaitForAtMost(int baseline, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        int count;
        while ((count = Current) > baseline && clock.Elapsed < timeout)
        {
            Thread.Sleep(10);
        }

        return count;
    }
}
