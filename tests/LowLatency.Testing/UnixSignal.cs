using System.Runtime.InteropServices;

namespace LowLatency.Testing;

/// <summary>Sends POSIX signals (Linux numbering): Ctrl+C, kill -9, and pausing/resuming a process as a zombie test does.</summary>
public static partial class UnixSignal
{
    public const int Interrupt = 2;
    public const int Kill = 9;
    public const int Continue = 18;
    public const int Stop = 19;

    /// <summary>kill(2): throws if the signal could not be sent.</summary>
    public static void Send(int pid, int signal)
    {
        if (SendSignal(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>True when process <paramref name="pid"/> ignores <paramref name="signal"/> (its <c>SigIgn</c> mask in /proc).</summary>
    public static bool Ignores(int pid, int signal)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
            {
                ulong mask = ulong.Parse(line.AsSpan("SigIgn:".Length).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                return (mask & (1UL << (signal - 1))) != 0;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no SigIgn line");
    }

    /// <summary>
    /// raise(3): the signal goes to the calling thread, which acts on it before this returns. Not
    /// <c>kill(getpid())</c>: that signal goes to the process, the kernel hands it to the main thread, and on a
    /// busy box the caller ran on for milliseconds before the stop took hold (a chaos pause meant to fall before a
    /// commit's state records fell after its commit: the zombie test's flake of 2026-12-06).
    /// </summary>
    public static void Raise(int signal)
    {
        if (RaiseSignal(signal) != 0)
        {
            throw new InvalidOperationException($"raise({signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "raise", SetLastError = true)]
    private static partial int RaiseSignal(int signal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
