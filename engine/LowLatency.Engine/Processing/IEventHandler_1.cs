namespace LowLatency.Engine.Processing;

/// <summary>
/// Handles events one at a time, in sequence order. Implement it on a <c>struct</c>: the processor is
/// generic over the handler type, so the call devirtualizes and inlines.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public interface IEventHandler<T>
    where T : struct
{
    /// <summary>Handles one event, in place.</summary>
    /// <param name="data">The slot; later stages see what this stage wrote.</param>
    /// <param name="sequence">The event's ring sequence.</param>
    /// <param name="endOfBatch">True for the last event of the batch the processor took.</param>
    void OnEvent(ref T data, long sequence, bool endOfBatch);
}
