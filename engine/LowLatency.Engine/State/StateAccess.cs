namespace LowLatency.Engine.State;

/// <summary>What <see cref="KeyedState{TKey, TValue}.GetOrAdd"/> found.</summary>
public enum StateAccess
{
    /// <summary>The key was present: the reference is its value.</summary>
    Existing,

    /// <summary>The key was added with <c>default</c>: the reference is its new value.</summary>
    Added,

    /// <summary>The table was full (<see cref="TableFullPolicy.Reject"/>): the reference is a scratch value that nothing reads; counted.</summary>
    Rejected,
}
