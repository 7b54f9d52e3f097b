using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// Linux parker on a futex: waking a parked thread costs one syscall and no lock hand-off, where
/// <see cref="Monitor.Wait(object)"/> must also hand the monitor back to the woken thread.
/// </summary>
/// <remarks>
/// The word lives in a pinned array (the kernel keys the futex on its address, which must not move); it sits
/// at element 16, 64 bytes past the array header, so it has a cache line to itself.
/// </remarks>
internal sealed unsafe partial class FutexParker : Parker
{
    private const int FutexWaitPrivate = 128;
    private const int FutexWakePrivate = 129;
    private const int WordIndex = 16;

    private static readonly long s_futexSyscall = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => -1,
    };

    // The futex word. Written by WakeAll (Interlocked.Increment); read by waiters (acquire) and by the kernel.
    private readonly int[] _words = GC.AllocateArray<int>(WordIndex * 2, pinned: true);

    public static bool IsSupported => OperatingSystem.IsLinux() && s_futexSyscall > 0;

    private int* Word => (int*)Unsafe.AsPointer(ref _words[WordIndex]);

    public override int Generation => Volatile.Read(ref _words[WordIndex]);

    public override void Wait(int generation, int timeoutMilliseconds)
    {
        var timeout = new TimeSpec
        {
            Seconds = timeoutMilliseconds / 1000,
            Nanoseconds = timeoutMilliseconds % 1000 * 1_000_000L,
        };

        // Returns at once (EAGAIN) if the word is no longer `generation`; spurious returns are fine: the caller re-checks.
        _ = Syscall(s_futexSyscall, Word, FutexWaitPrivate, generation, &timeout);
    }

    public override void WakeAll()
    {
        Interlocked.Increment(ref _words[WordIndex]);
        _ = Syscall(s_futexSyscall, Word, FutexWakePrivate, int.MaxValue, null);
    }

    [LibraryImport("libc", EntryPoint = "syscall")]
    private static partial long Syscall(long number, int* address, int operation, int value, TimeSpec* timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
