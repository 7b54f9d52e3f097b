using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// Builds window operators and their stages for events of <typeparamref name="TEvent"/>, keys of
/// <typeparamref name="TKey"/> and accumulators of <typeparamref name="TAcc"/>: name those three once (for instance
/// <c>using TradeWindows = Windows&lt;Trade, long, Bar&gt;;</c>) and the function, sink, trigger and operator types are
/// inferred from the arguments.
/// </summary>
/// <remarks>
/// Keys are unmanaged values with value equality (<see cref="IEquatable{T}"/>): they are hashed into open-addressing
/// tables and written to snapshots as their bytes, so a key holds no references (use an id, not a string).
/// Accumulators are unmanaged structs for the same reasons.
/// </remarks>
/// <typeparam name="TEvent">The input event.</typeparam>
/// <typeparam name="TKey">The key.</typeparam>
/// <typeparam name="TAcc">The accumulator.</typeparam>
public static class Windows<TEvent, TKey, TAcc>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
{
    /// <summary>A tumbling or hopping window operator (<see cref="TimeWindowOperator{TEvent, TKey, TAcc, TFunction, TSink}"/>).</summary>
    public static TimeWindowOperator<TEvent, TKey, TAcc, TFunction, TSink> Time<TFunction, TSink>(WindowOptions options, TFunction function, TSink sink)
        where TFunction : struct, IWindowFunction<TEvent, TKey, TAcc>
        where TSink : struct, IWindowSink<TEvent, TKey, TAcc> =>
        new(options, function, sink);

    /// <summary>A session window operator (<see cref="SessionWindowOperator{TEvent, TKey, TAcc, TFunction, TSink}"/>).</summary>
    public static SessionWindowOperator<TEvent, TKey, TAcc, TFunction, TSink> Session<TFunction, TSink>(WindowOptions options, TFunction function, TSink sink)
        where TFunction : struct, IWindowFunction<TEvent, TKey, TAcc>
        where TSink : struct, IWindowSink<TEvent, TKey, TAcc> =>
        new(options, function, sink);

    /// <summary>A global window operator fired by <paramref name="trigger"/> (<see cref="GlobalWindowOperator{TEvent, TKey, TAcc, TFunction, TTrigger, TSink}"/>).</summary>
    public static GlobalWindowOperator<TEvent, TKey, TAcc, TFunction, TTrigger, TSink> Global<TFunction, TTrigger, TSink>(
        WindowOptions options, TTrigger trigger, TFunction function, TSink sink)
        where TFunction : struct, IWindowFunction<TEvent, TKey, TAcc>
        where TTrigger : struct, IWindowTrigger<TEvent, TAcc>
        where TSink : struct, IWindowSink<TEvent, TKey, TAcc> =>
        new(options, trigger, function, sink);

    /// <summary>The pipeline stage running <paramref name="windowOperator"/> (see <see cref="WindowStage{TEvent, TOperator}"/>).</summary>
    public static WindowStage<TEvent, TOperator> Stage<TOperator>(TOperator windowOperator, ProcessingClock? clock = null, SnapshotBarrier? snapshots = null)
        where TOperator : class, IWindowOperator<TEvent> =>
        new(windowOperator, clock, snapshots);
}
