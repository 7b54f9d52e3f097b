using System.Diagnostics.CodeAnalysis;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Pipelines;

/// <summary>
/// One or more stages added together; what comes <c>Then</c> sees an event only after every stage of the
/// group is done with it. Chains, fan-out and diamonds: <c>HandleEventsWith(a).Then(b, c).Then(d)</c>.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public sealed class StageGroup<T>
    where T : struct
{
    private readonly Pipeline<T> _pipeline;
    private readonly EventProcessor[] _stages;

    internal StageGroup(Pipeline<T> pipeline, EventProcessor[] stages)
    {
        _pipeline = pipeline;
        _stages = stages;
    }

    /// <summary>The stages of this group.</summary>
    public IReadOnlyList<EventProcessor> Stages => _stages;

    internal Sequence[] Sequences => Array.ConvertAll(_stages, s => s.Sequence);

    /// <summary>Adds a per-event stage after this group.</summary>
    public StageGroup<T> Then<[DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandler>(THandler handler, StageOptions? options = null)
        where THandler : struct, IEventHandler<T> =>
        _pipeline.AddEventStage(Sequences, handler, options);

    /// <summary>Adds two per-event stages, side by side, after this group.</summary>
    public StageGroup<T> Then<[DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandlerA, [DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandlerB>(THandlerA a, THandlerB b)
        where THandlerA : struct, IEventHandler<T>
        where THandlerB : struct, IEventHandler<T> =>
        Then(a).And(Then(b));

    /// <summary>Adds three per-event stages, side by side, after this group.</summary>
    public StageGroup<T> Then<[DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandlerA, [DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandlerB, [DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandlerC>(THandlerA a, THandlerB b, THandlerC c)
        where THandlerA : struct, IEventHandler<T>
        where THandlerB : struct, IEventHandler<T>
        where THandlerC : struct, IEventHandler<T> =>
        Then(a).And(Then(b)).And(Then(c));

    /// <summary>Adds a batch (span) stage after this group.</summary>
    public StageGroup<T> ThenBatches<[DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandler>(THandler handler, StageOptions? options = null)
        where THandler : struct, IBatchEventHandler<T> =>
        _pipeline.AddBatchStage(Sequences, handler, options);

    /// <summary>A group of this group's stages and <paramref name="other"/>'s: the join of a diamond.</summary>
    public StageGroup<T> And(StageGroup<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new StageGroup<T>(_pipeline, [.. _stages, .. other._stages]);
    }
}
