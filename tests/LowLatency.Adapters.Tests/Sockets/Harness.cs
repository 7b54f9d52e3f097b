using System.Net;
using LowLatency.Adapters.Sockets;
using LowLatency.Engine.Pipelines;

namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>A started pipeline (one collecting stage) with a started TCP source in front of it.</summary>
public sealed class Harness<T, TCodec> : IAsyncDisposable
    where T : struct
    where TCodec : struct, IEventCodec<T>
{
    private Harness(Pipeline<T> pipeline, TcpSource<T, TCodec> source, Collected<T> collected)
    {
        Pipeline = pipeline;
        Source = source;
        Collected = collected;
    }

    public Pipeline<T> Pipeline { get; }

    public TcpSource<T, TCodec> Source { get; }

    public Collected<T> Collected { get; }

    public IPEndPoint Endpoint => Source.LocalEndPoint!;

    public TcpSourceMetrics Metrics => Source.Metrics;

    public static Harness<T, TCodec> Start(TcpSourceOptions? options = null, int capacity = 4096, ManualResetEventSlim? gate = null, bool keepEvents = true)
    {
        var pipeline = Pipeline<T>.Create(PipelineOptions.Default with { Capacity = capacity, ProducerType = ProducerType.Multi, WaitStrategy = WaitStrategyKind.Blocking });
        var collected = new Collected<T>(keepEvents);
        pipeline.HandleEventsWith(new Collector<T>(collected, gate));
        pipeline.Start();
        var source = new TcpSource<T, TCodec>(pipeline, default, options);
        source.Start();
        return new Harness<T, TCodec>(pipeline, source, collected);
    }

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        await Pipeline.DisposeAsync();
    }
}
