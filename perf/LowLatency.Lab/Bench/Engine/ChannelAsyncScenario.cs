using System.Threading.Channels;

namespace LowLatency.Lab.Bench.Engine;

/// <summary>
/// Baseline: a bounded <see cref="Channel{T}"/> (single reader/writer, 64 Ki items) with an async producer
/// (<c>WriteAsync</c>) and an async consumer (<c>WaitToReadAsync</c> + <c>TryRead</c>): the way a .NET
/// developer moves items between threads without us.
/// </summary>
internal sealed class ChannelAsyncScenario : IBenchScenario
{
    public string Name => BenchCatalog.Baseline;

    public string Group => "engine";

    public string Description => "bounded Channel<long>, async WriteAsync → WaitToReadAsync/TryRead";

    public BenchResult Run(BenchContext context)
    {
        var channel = Channel.CreateBounded<long>(new BoundedChannelOptions(1 << 16)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        long n = context.Events;
        var measurement = BenchMeasurement.Start();
        Task<long> consumer = Task.Run(async () =>
        {
            long sum = 0;
            while (await channel.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out long value))
                {
                    sum += value;
                }
            }

            return sum;
        });
        Task producer = Task.Run(async () =>
        {
            for (long i = 0; i < n; i++)
            {
                await channel.Writer.WriteAsync(i).ConfigureAwait(false);
            }

            channel.Writer.Complete();
        });
        Task.WaitAll(producer, consumer);
        BenchResult result = measurement.Stop(n);
        BenchWait.Check(consumer.Result, BenchWait.ExpectedSum(n), Name);
        return result;
    }
}
