namespace LowLatency.Engine.Pipelines;

/// <summary>How many threads publish into a pipeline's ring.</summary>
public enum ProducerType
{
    /// <summary>Exactly one thread publishes: claims are plain adds, the fastest path.</summary>
    Single = 0,

    /// <summary>Any number of threads publish: claims are compare-and-set, slots carry availability flags.</summary>
    Multi = 1,
}
