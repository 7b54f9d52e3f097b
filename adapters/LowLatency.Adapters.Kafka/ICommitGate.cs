namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Holds back a <see cref="KafkaSource{T}"/>'s commits: the source commits an event's offset only once
/// <see cref="KafkaSource{T}"/>'s pipeline has completed it and every gate's <see cref="SafeSequence"/> has
/// reached it.
/// </summary>
/// <remarks>
/// A terminal stage "finishing" an event is not always the event being safe: a window stage finishes an
/// event when it folds it into open state, and a producer finishes it when librdkafka has queued it, not
/// when the broker has acknowledged it. A gate says what is durable; <see cref="KafkaSink{T}"/> is one.
/// </remarks>
public interface ICommitGate
{
    /// <summary>
    /// The highest ring sequence at or below which nothing more is needed from the source. Monotonic;
    /// read from the source's poll thread, so it must be safe to read from any thread.
    /// </summary>
    long SafeSequence { get; }
}
