namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// What one connection wants, immutable: replaced whole by the connection's receive loop (volatile write) and
/// read by the fan-out thread (volatile read) for every update. <see cref="IsDefault"/> until the first command.
/// </summary>
internal sealed class Subscription
{
    public static readonly Subscription Default = new(isDefault: true, []);

    // Per topic id: null = not subscribed; an empty set = every key; otherwise the keys.
    private readonly HashSet<long>?[] _topics;

    private Subscription(bool isDefault, HashSet<long>?[] topics)
    {
        IsDefault = isDefault;
        _topics = topics;
    }

    public bool IsDefault { get; }

    /// <summary>True when the client wants (<paramref name="topic"/>, <paramref name="key"/>); <paramref name="busiest"/> is the topic's current busiest keys.</summary>
    public bool Wants(LiveTopic topic, long key, long[] busiest)
    {
        if (IsDefault)
        {
            return topic.DefaultFeed switch
            {
                DefaultFeed.AllKeys => true,
                DefaultFeed.BusiestKeys => Array.IndexOf(busiest, key) >= 0,
                _ => false,
            };
        }

        if ((uint)topic.Id >= (uint)_topics.Length || _topics[topic.Id] is not { } keys)
        {
            return false;
        }

        return keys.Count == 0 || keys.Contains(key);
    }

    /// <summary>This subscription plus <paramref name="keys"/> of topic <paramref name="topicId"/> (all keys when empty).</summary>
    public Subscription With(int topicId, int topicCount, long[] keys)
    {
        HashSet<long>?[] topics = Copy(topicCount);
        if (keys.Length == 0)
        {
            topics[topicId] = [];
        }
        else
        {
            var set = topics[topicId] is { Count: > 0 } existing ? new HashSet<long>(existing) : [];
            set.UnionWith(keys);
            topics[topicId] = set;
        }

        return new Subscription(isDefault: false, topics);
    }

    /// <summary>
    /// This subscription without <paramref name="keys"/> of topic <paramref name="topicId"/> (the whole topic when empty).
    /// Keys cannot be taken out of an every-key subscription: it stays as it is.
    /// </summary>
    public Subscription Without(int topicId, int topicCount, long[] keys)
    {
        HashSet<long>?[] topics = Copy(topicCount);
        if (keys.Length == 0 || topics[topicId] is null)
        {
            topics[topicId] = null;
        }
        else if (topics[topicId] is { Count: > 0 } existing)
        {
            var set = new HashSet<long>(existing);
            set.ExceptWith(keys);
            topics[topicId] = set.Count == 0 ? null : set;
        }

        return new Subscription(isDefault: false, topics);
    }

    private HashSet<long>?[] Copy(int topicCount)
    {
        var topics = new HashSet<long>?[topicCount];
        _topics.AsSpan(0, Math.Min(_topics.Length, topicCount)).CopyTo(topics);
        return topics;
    }
}
