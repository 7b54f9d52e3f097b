using LowLatency.Lab.Measurement;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

public sealed class ThreadNiceTests
{
    [Test]
    public void TrySet_OneThreadOfTheProcess_OnlyThatThreadsNiceChanges()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("nice per thread is Linux's");
        }

        // A thread of its own: taking a nice value back down needs privilege, so the test's thread is never touched.
        bool set = false;
        int seen = int.MinValue;
        var thread = new Thread(() =>
        {
            set = ThreadNice.TrySet(ThreadNice.CurrentThreadId!.Value, 5);
            seen = NiceOf("/proc/thread-self/stat");
        })
        {
            IsBackground = true,
        };
        thread.Start();
        Assert.That(thread.Join(TimeSpan.FromSeconds(10)), Is.True, "the thread did not end within 10 s");

        Assert.That(set, Is.True, "a thread may always lower its own weight");
        Assert.That(seen, Is.EqualTo(5));
        Assert.That(NiceOf("/proc/thread-self/stat"), Is.EqualTo(NiceOf("/proc/self/stat")), "the calling thread keeps the process's value");
    }

    [Test]
    public void ThreadIdOf_ASchedstatPath_TheTaskDirectorysNumber() =>
        Assert.That(ThreadNice.ThreadIdOf("/proc/self/task/4242/schedstat"), Is.EqualTo(4242));

    /// <summary>Field 19 of <c>stat</c>; the command name (field 2, in parentheses) may hold spaces, so count from its end.</summary>
    private static int NiceOf(string statPath)
    {
        string stat = File.ReadAllText(statPath);
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[19 - 3]);
    }
}
