using System.Diagnostics;
using LowLatency.Engine.Waiting;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Waiting;

/// <summary>
/// The futex parker makes a wake syscall only for a generation someone sleeps on, and still never loses a wake-up
/// (the waiter's flag and the waker's generation move are ordered).
/// </summary>
public sealed class FutexParkerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [SetUp]
    public void RequireFutex()
    {
        if (!FutexParker.IsSupported)
        {
            Assert.Ignore("The futex parker is Linux only.");
        }
    }

    [Test]
    public void WakeAll_WithNobodyAsleep_MovesTheGenerationWithoutASyscall()
    {
        var parker = new FutexParker();
        int generation = parker.Generation;
        for (int i = 0; i < 1_000; i++)
        {
            parker.WakeAll();
            Assert.That(parker.Generation, Is.Not.EqualTo(generation), "every WakeAll moves the generation");
            generation = parker.Generation;
        }

        Assert.That(parker.WakeSyscalls, Is.Zero);
    }

    [Test]
    public void WakeAll_RepeatedWhileOneWaiterSleeps_WakesItWithOneSyscall()
    {
        var parker = new FutexParker();
        int generation = parker.Generation;
        var waiter = new Thread(() => parker.Wait(generation, timeoutMilliseconds: 60_000)) { IsBackground = true };
        waiter.Start();

        // The waiter sets the sleepers flag just before it sleeps (a WakeAll between the two makes its sleep return at once).
        var waited = Stopwatch.StartNew();
        while ((parker.Generation & 1) == 0)
        {
            Assert.That(waited.Elapsed, Is.LessThan(Bound), "the waiter never flagged itself asleep");
            Thread.Yield();
        }

        for (int i = 0; i < 1_000; i++)
        {
            parker.WakeAll();
        }

        Assert.That(waiter.Join(Bound), Is.True, "the waiter was not woken");
        Assert.That(parker.WakeSyscalls, Is.EqualTo(1), "one syscall for the generation it slept on; none after");
    }

    [Test]
    [CancelAfter(60_000)]
    public void PingPong_TwoThreadsTakingTurns_NoWaitEverRunsToItsTimeout()
    {
        // Each thread waits for its turn as ParkingWaitStrategy does: read the generation, check, then sleep on it.
        const int Rounds = 5_000;
        const int TimeoutMilliseconds = 5_000;
        var parker = new FutexParker();
        int turn = 0;
        int timedOut = 0;
        var failures = new List<Exception>();

        void Play(int me)
        {
            try
            {
                for (int round = 0; round < Rounds; round++)
                {
                    while (true)
                    {
                        int generation = parker.Generation;
                        if (Volatile.Read(ref turn) == me)
                        {
                            break;
                        }

                        long start = Stopwatch.GetTimestamp();
                        parker.Wait(generation, TimeoutMilliseconds);
                        if (Stopwatch.GetElapsedTime(start).TotalMilliseconds >= TimeoutMilliseconds)
                        {
                            Interlocked.Increment(ref timedOut); // a lost wake-up: only the timeout ended the sleep
                        }
                    }

                    Volatile.Write(ref turn, 1 - me);
                    parker.WakeAll();
                }
            }
            catch (Exception e)
            {
                lock (failures)
                {
                    failures.Add(e);
                }
            }
        }

        var players = new[] { new Thread(() => Play(0)), new Thread(() => Play(1)) };
        foreach (Thread player in players)
        {
            player.Start();
        }

        foreach (Thread player in players)
        {
            Assert.That(player.Join(TimeSpan.FromSeconds(50)), Is.True, "a player did not finish its rounds");
        }

        Assert.That(failures, Is.Empty);
        Assert.That(timedOut, Is.Zero, "a wake-up was lost");
        Assert.That(Volatile.Read(ref turn), Is.EqualTo(0), "2 × Rounds turns were taken, each exactly once");
        Assert.That(parker.WakeSyscalls, Is.GreaterThan(0), "the players slept on the word at least once (else no futex wait was exercised)");
    }
}
