using System.Threading.Channels;

namespace LowLatency.Lab.Bench.Engine;

/// <summary>Baseline: a bounded <see cref="Channel{T}"/> driven by two threads spinning on TryWrite/TryRead (yielding when stuck).</summary>
internal sealed class ChannelSpinScenario : IBenchScenario
{
    public string Name => "channel-spin";

    public string Group => "engine";

    public string Description => "bounded Channel<long>, dedicated threads spinning on TryWrite/TryRead with Thread.Yield";

    public BenchResult Run(BenchContext context)
    {
        var channel = Channel.CreateBounded<long>(new BoundedChannelOptions(1 << 16)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        long n = context.Events;
        long sum = 0;
        var consumer = new Thread(() =>
        {
            long local = 0;
            for (long received = 0; received < n;)
            {
                if (channel.Reader.TryRead(out long value))
                {
                    local += value;
                    received++;
                }
                else
                {
                    Thread.Yield();
                }
            }

            sum = local;
        });
        var measurement = BenchMeasurement.Start();
        consumer.Start();
        for (long i = 0; i < n; i++)
        {
            while (!channel.Writer.TryWrite(i))
            {
                Thread.Yield();
            }
        }

        consumer.Join();
        BenchResult result = measurement.Stop(n);
        BenchWait.Check(sum, BenchWait.ExpectedSum(n), Name);
        return result;
    }
}
