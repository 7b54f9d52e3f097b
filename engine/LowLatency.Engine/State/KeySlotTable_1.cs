namespace LowLatency.Engine.State;

/// <summary>
/// A pre-sized open-addressing map from a key to a stable slot index in <c>[0, Capacity)</c>; callers keep
/// their values in parallel arrays indexed by slot (see <see cref="KeySlotTable{TKey, TValue}"/>).
/// </summary>
/// <typeparam name="TKey">An unmanaged, equatable key (symbol id, composite struct, ...).</typeparam>
/// <param name="capacity">The most keys the table holds.</param>
public sealed class KeySlotTable<TKey>(int capacity) : KeySlotTable<TKey, NoValue>(capacity)
    where TKey : unmanaged, IEquatable<TKey>;
