using LowLatency.Lab.Measurement;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

public sealed class ProcessSamplerTests
{
    [CancelAfter(10_000)]
    [Test]
    public void Sample_ThisProcess_ReadsPlausibleFigures()
    {
        var sampler = new ProcessSampler();

        Assert.Multiple(() =>
        {
            Assert.That(sampler.ResidentBytes(), Is.GreaterThan(1024 * 1024));
            Assert.That(sampler.Threads(), Is.GreaterThanOrEqualTo(1));
            Assert.That(sampler.Handles(), Is.GreaterThanOrEqualTo(3), "stdin, stdout, stderr at least");
        });
    }

    [CancelAfter(10_000)]
    [Test]
    public void Handles_FileOpenedAndClosed_CountsItThenReturnsToBaseline()
    {
        var sampler = new ProcessSampler();
        string path = Path.GetTempFileName();
        try
        {
            int before = sampler.Handles();
            int during;
            using (File.OpenRead(path))
            {
                during = sampler.Handles();
            }

            Assert.That(during, Is.EqualTo(before + 1));
            Assert.That(sampler.Handles(), Is.EqualTo(before));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [CancelAfter(10_000)]
    [Test]
    public void Sample_AfterWarmUp_AllocatesNothing()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("The allocation-free path reads /proc (Linux).");
        }

        var sampler = new ProcessSampler();
        long sink = sampler.ResidentBytes() + sampler.Threads() + sampler.Handles();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            sink += sampler.ResidentBytes() + sampler.Threads() + sampler.Handles();
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero, $"(checksum {sink})");
    }
}
