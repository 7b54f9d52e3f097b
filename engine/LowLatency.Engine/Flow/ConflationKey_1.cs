namespace LowLatency.Engine.Flow;

/// <summary>The key under which <see cref="OverflowPolicy.Conflate"/> keeps only the newest value (an instrument id, say).</summary>
/// <typeparam name="T">The event type.</typeparam>
/// <param name="value">The event.</param>
/// <returns>The event's key.</returns>
public delegate long ConflationKey<T>(in T value)
    where T : struct;
