using System.Diagnostics;
using System.Runtime.CompilerServices;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Lab.Measurement;

/// <summary>
/// The mean round trip between two threads spinning on two padded counters, with no ring in between: the
/// machine's floor under every figure that crosses between threads. <c>bench</c> records it before and after its
/// scenarios, because a VM's host can move the vCPUs and change this floor several-fold between one run and the
/// next (README, "Measured here"). The same loop as <c>perf/probes/spin-rtt.c</c>, without leaving .NET.
/// </summary>
internal static class CoreToCoreProbe
{
    /// <summary>Measures <paramref name="rounds"/> round trips (about 25–150 ms of two busy threads).</summary>
    public static double RoundTripNanoseconds(int rounds = 200_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var ping = new Sequence();
        var pong = new Sequence();
        var echo = new Thread(() => Echo(ping, pong, rounds)) { IsBackground = true, Name = "core-to-core-echo" };
        echo.Start();
        double nanoseconds = Ping(ping, pong, rounds);
        echo.Join();
        return nanoseconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Ping(Sequence ping, Sequence pong, int rounds)
    {
        // Round 0 is the handshake: it waits for the echo thread to start, which is not a round trip.
        Exchange(ping, pong, 0);
        long start = Stopwatch.GetTimestamp();
        for (long i = 1; i <= rounds; i++)
        {
            Exchange(ping, pong, i);
        }

        return (Stopwatch.GetTimestamp() - start) * 1e9 / Stopwatch.Frequency / rounds;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Exchange(Sequence ping, Sequence pong, long round)
    {
        ping.SetRelease(round);
        while (pong.ValueAcquire != round)
        {
            Thread.SpinWait(1);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Echo(Sequence ping, Sequence pong, int rounds)
    {
        for (long i = 0; i <= rounds; i++)
        {
            while (ping.ValueAcquire != i)
            {
                Thread.SpinWait(1);
            }

            pong.SetRelease(i);
        }
    }
}
