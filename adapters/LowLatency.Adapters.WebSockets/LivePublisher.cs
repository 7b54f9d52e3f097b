using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using LowLatency.Engine;
using LowLatency.Engine.Flow;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// One producer's way into a <see cref="WebSocketHub"/> (from <see cref="WebSocketHub.CreatePublisher"/>): an engine
/// <see cref="EventSource{T}"/> under <see cref="OverflowPolicy.Conflate"/>, so a publish never blocks and never
/// allocates; while the hub's ingress ring is full, the newest value per (topic, key) waits in the source.
/// </summary>
/// <remarks>Not thread-safe: one publisher per producing thread (a pipeline stage, a timer).</remarks>
public sealed class LivePublisher : IDisposable
{
    private readonly EventSource<LiveUpdate> _source;
    private readonly int _topics;

    internal LivePublisher(EventSource<LiveUpdate> source, int topics)
    {
        _source = source;
        _topics = topics;
    }

    /// <summary>Updates put into the hub's ring.</summary>
    public long Published => _source.Published;

    /// <summary>Updates replaced by a newer value of their key while the ring was full.</summary>
    public long Conflated => _source.GetDropped(DropReason.Conflated);

    /// <summary>Updates refused: the source's key table was full, or the hub closed.</summary>
    public long Dropped => _source.TotalDropped - Conflated;

    /// <summary>Publishes (<paramref name="topic"/>, <paramref name="key"/>) = <paramref name="values"/> (the topic's fields, in order).</summary>
    /// <returns><see cref="PublishResult.Ok"/> (in the ring, or held as its key's newest value), <see cref="PublishResult.Dropped"/> or <see cref="PublishResult.Closed"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PublishResult Publish(LiveTopic topic, long key, long time, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (values.Length > topic.FieldCount)
        {
            ThrowTooManyValues(topic, values.Length);
        }

        LiveUpdate update = default;
        update.Topic = topic.Id;
        update.Key = key;
        update.Time = time;
        values.CopyTo(update.Values);
        return Publish(in update);
    }

    /// <summary>Publishes an update built by the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PublishResult Publish(in LiveUpdate update)
    {
        if ((uint)update.Topic >= (uint)_topics || ((update.Key << 8) >> 8) != update.Key)
        {
            ThrowOutOfRange(update.Topic, update.Key);
        }

        return _source.TryOffer(in update);
    }

    /// <summary>Publishes values held while the ring was full, as far as there is room; returns how many are still held.</summary>
    public int Flush() => _source.Flush();

    /// <inheritdoc/>
    public void Dispose() => _source.Dispose();

    [DoesNotReturn]
    private static void ThrowTooManyValues(LiveTopic topic, int count) =>
        throw new ArgumentException($"Topic '{topic.Name}' has {topic.FieldCount} fields; got {count} values.");

    [DoesNotReturn]
    private static void ThrowOutOfRange(int topic, long key) =>
        throw new ArgumentOutOfRangeException(nameof(topic), $"Update of topic {topic}, key {key}: the topic is not registered with this hub, or the key is outside [-2^55, 2^55).");
}
