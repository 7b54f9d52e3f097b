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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
