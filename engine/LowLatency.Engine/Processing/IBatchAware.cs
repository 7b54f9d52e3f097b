namespace LowLatency.Engine.Processing;

/// <summary>Optional: told where each batch starts and ends (read a clock once per batch here).</summary>
public interface IBatchAware
{
    /// <summary>Called before the first event of a batch of <paramref name="count"/> events.</summary>
    void OnBatchStart(long firstSequence, long count);

    /// <summary>Called after the last event of the batch.</summary>
    void OnBatchEnd(long lastSequence);
}
