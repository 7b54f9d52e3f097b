using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// Linux parker on a futex: waking a parked thread costs one syscall and no lock hand-off, where
/// <see cref="Monitor.Wait(object)"/> must also hand the monitor back to the woken thread.
/// </summary>
/// <remarks>
/// <para>The word is the generation in its upper 31 bits and a "sleepers" flag in bit 0. A waiter sets the flag before it
/// sleeps on its generation; <see cref="WakeAll"/> moves the generation on, clears the flag, and makes the wake syscall
/// only if the flag was set. So a producer that signals a consumer which was woken but has not run yet (on a busy box,
/// for milliseconds) pays one atomic per publication, not a syscall each: with one the whole ring's worth of
/// publications became futex wakes and the producer spent most of its time in the kernel.</para>
/// <para>The word lives in a pinned array (the kernel keys the futex on its address, which must not move); it sits
/// at element 16, 64 bytes past the array header, so it has a cache line to itself.</para>
/// </remarks>
internal sealed unsafe partial class FutexParker : Parker
{
    private const int FutexWaitPrivate = 128;
    private const int FutexWakePrivate = 129;
    private const int WordIndex = 16;
    private const int Sleepers = 1;
    private const int GenerationStep = 2;

    private static readonly long s_futexSyscall = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => -1,
    };

    // The futex word: generation and Sleepers flag. Waiters set the flag (Interlocked.Or); WakeAll moves the generation
    // and clears the flag (CompareExchange); read by waiters (acquire) and by the kernel.
    private readonly int[] _words = GC.AllocateArray<int>(WordIndex * 2, pinned: true);

    // Wake syscalls made (WakeAll, Interlocked): for tests.
    private long _wakeSyscalls;

    public static bool IsSupported => OperatingSystem.IsLinux() && s_futexSyscall > 0;

    private int* Word => (int*)Unsafe.AsPointer(ref _words[WordIndex]);

    public override int Generation => Volatile.Read(ref _words[WordIndex]);

    /// <summary>Wake syscalls made so far: one per generation that had a sleeper, none while nobody sleeps.</summary>
    internal long WakeSyscalls => Volatile.Read(ref _wakeSyscalls);

    public override void Wait(int generation, int timeoutMilliseconds)
    {
        var timeout = new TimeSpec
        {
            Seconds = timeoutMilliseconds / 1000,
            Nanoseconds = timeoutMilliseconds % 1000 * 1_000_000L,
        };

        // Ordered: the flag is set (full fence) before the sleep, so a WakeAll after it sees the flag and makes the syscall.
        int sleeping = generation | Sleepers;
        if ((Interlocked.Or(ref _words[WordIndex], Sleepers) | Sleepers) != sleeping)
        {
            return; // the generation moved since the caller read it
        }

        // Returns at once (EAGAIN) if the word is no longer `sleeping`; spurious returns are fine: the caller re-checks.
        _ = Syscall(s_futexSyscall, Word, FutexWaitPrivate, sleeping, &timeout);
    }

    public override void WakeAll()
    {
        int before, after;
        do
        {
            before = Volatile.Read(ref _words[WordIndex]);
            after = (before & ~Sleepers) + GenerationStep;
        }
        while (Interlocked.CompareExchange(ref _words[WordIndex], after, before) != before);

        // Without the flag nobody sleeps on the word: a waiter sets it before sleeping and then compares with it.
        if ((before & Sleepers) != 0)
        {
            Interlocked.Increment(ref _wakeSyscalls);
            _ = Syscall(s_futexSyscall, Word, FutexWakePrivate, int.MaxValue, null);
        }
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
