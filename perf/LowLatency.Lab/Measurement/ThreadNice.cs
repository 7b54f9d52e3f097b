using System.Runtime.InteropServices;

namespace LowLatency.Lab.Measurement;

/// <summary>
/// A Linux thread's nice value (<c>setpriority(2)</c> on its thread id): the scheduling weight the default policy
/// honours (.NET's <see cref="Thread.Priority"/> changes nothing there). A latency-critical host raises its
/// pipeline's threads this way, so work it cannot put on other cores (here, the WebSocket delivery) gets the CPU
/// the pipeline leaves. A negative value needs <c>CAP_SYS_NICE</c> (root); elsewhere than Linux, nothing is set.
/// </summary>
internal static partial class ThreadNice
{
    private const int PrioProcess = 0;

    /// <summary>The calling thread's id, or null elsewhere than Linux.</summary>
    public static int? CurrentThreadId => OperatingSystem.IsLinux() ? GetThreadId() : null;

    /// <summary>The id of the thread whose schedstat file <see cref="ThreadSchedule.FindThread"/> returned (<c>…/task/TID/schedstat</c>).</summary>
    public static int ThreadIdOf(string schedstatPath) => int.Parse(Path.GetFileName(Path.GetDirectoryName(schedstatPath))!);

    /// <summary>Sets the thread's nice value; false when the system refused it (no privilege) or is not Linux.</summary>
    public static bool TrySet(int threadId, int nice) => OperatingSystem.IsLinux() && SetPriority(PrioProcess, threadId, nice) == 0;

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int prio);
}
