namespace LowLatency.Engine.State;

/// <summary>The value type of a <see cref="KeySlotTable{TKey, TValue}"/> that keeps no value per key (nothing is stored).</summary>
public readonly struct NoValue;
