using System.Globalization;

namespace LowLatency.Testing;

/// <summary>
/// CPU time of this process's threads whose OS name starts with a prefix (Linux: /proc/self/task/*/stat).
/// Stage threads are named "{pipeline}/{stage}", so a test can measure exactly the threads it cares about.
/// </summary>
public static class ThreadCpu
{
    /// <summary>True where per-thread CPU can be read.</summary>
    public static bool IsSupported => Directory.Exists("/proc/self/task");

    /// <summary>User + system CPU time of the matching threads; <paramref name="threads"/> says how many matched.</summary>
    public static TimeSpan Of(string namePrefix, out int threads)
    {
        long ticks = 0;
        threads = 0;
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                string comm = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                if (!comm.StartsWith(namePrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
                string stat = File.ReadAllText(Path.Combine(task, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                threads++;
            }
            catch (IOException)
            {
                // The thread exited between listing and reading.
            }
        }

        // USER_HZ is 100 on Linux.
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
