using System.Diagnostics;

namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>
/// Plain CPU work beside a measured run: two threads at the default priority that each spin for a share of every
/// period and sleep the rest, together taking <c>cores</c> cores in bursts at the period's rhythm (the hub's pacing
/// clock wakes its send loops so). What a given amount of CPU costs the pipeline on this box, whoever spends it.
/// </summary>
internal sealed class CpuBurner : IDisposable
{
    private const int Threads = 2;

    private readonly Thread[] _threads;
    private readonly long _busyTicks;
    private readonly long _periodTicks;

    // Written by Dispose (Volatile.Write), read by the burning threads once per spin.
    private bool _stop;

    public CpuBurner(double cores, TimeSpan period)
    {
        if (cores is <= 0 or > Threads)
        {
            throw new ArgumentOutOfRangeException(nameof(cores), cores, $"A burner takes more than 0 and at most {Threads} cores.");
        }

        _periodTicks = (long)(period.TotalSeconds * Stopwatch.Frequency);
        _busyTicks = (long)(_periodTicks * cores / Threads);
        _threads = new Thread[Threads];
        for (int i = 0; i < Threads; i++)
        {
            _threads[i] = new Thread(Burn) { IsBackground = true, Name = "bench-burner" };
            _threads[i].Start();
        }
    }

    public void Dispose()
    {
        Volatile.Write(ref _stop, true);
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
    }

    private void Burn()
    {
        long periodStart = Stopwatch.GetTimestamp();
        while (!Volatile.Read(ref _stop))
        {
            while (Stopwatch.GetTimestamp() - periodStart < _busyTicks && !Volatile.Read(ref _stop))
            {
                // Spin: the CPU is the point.
            }

            long next = periodStart + _periodTicks;
            long left = next - Stopwatch.GetTimestamp();
            if (left > 0)
            {
                Thread.Sleep(TimeSpan.FromSeconds((double)left / Stopwatch.Frequency));
            }

            // A period overrun (the box was busy) restarts the rhythm from now rather than catching up.
            periodStart = Math.Max(next, Stopwatch.GetTimestamp() - _periodTicks);
        }
    }
}
