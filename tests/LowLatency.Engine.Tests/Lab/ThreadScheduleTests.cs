using LowLatency.Lab.Measurement;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

public sealed class ThreadScheduleTests
{
    [Test]
    public void FindThreadsAndRead_ANamedThreadThatRan_FoundByPrefixWithItsTimeOnACore()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("schedstat is Linux's");
        }

        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            // 20 ms on a core by its own account (bounded: 10 s of wall time).
            long deadline = Environment.TickCount64 + 10_000;
            while (ThreadSchedule.OfCurrentThread()!.Value.RunNs < 20_000_000 && Environment.TickCount64 < deadline)
            {
                Thread.SpinWait(1000);
            }

            started.Set();
            release.Wait(TimeSpan.FromSeconds(10));
        })
        {
            Name = "schedtest/worker",
            IsBackground = true,
        };
        thread.Start();
        try
        {
            Assert.That(started.Wait(TimeSpan.FromSeconds(10)), Is.True, "the thread did not start within 10 s");
            List<string> found = ThreadSchedule.FindThreads("schedtest/");
            Assert.That(found, Has.Count.EqualTo(1));
            Assert.That(ThreadSchedule.Read(found[0]), Is.Not.Null);
            Assert.That(ThreadSchedule.Read(found[0])!.Value.RunNs, Is.GreaterThanOrEqualTo(20_000_000), "it spun until it had run 20 ms");
            Assert.That(ThreadSchedule.FindThreads("no-such-thread/"), Is.Empty);
        }
        finally
        {
            release.Set();
            Assert.That(thread.Join(TimeSpan.FromSeconds(10)), Is.True);
        }
    }

    [Test]
    public void Read_AFileThatIsGone_Null() =>
        Assert.That(ThreadSchedule.Read(Path.Combine(Path.GetTempPath(), $"no-schedstat-{Guid.NewGuid():N}")), Is.Null);
}
