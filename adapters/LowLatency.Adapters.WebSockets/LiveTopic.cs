using System.Text;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// A named stream of keyed values with up to <see cref="LiveValues.Capacity"/> numeric fields, registered with
/// <see cref="WebSocketHub.AddTopic"/>. Clients subscribe to it by name, with or without a key filter.
/// </summary>
public sealed class LiveTopic
{
    internal LiveTopic(int id, string name, string[] fields, DefaultFeed defaultFeed, int busiestKeys, string? busiestBy, IReadOnlyDictionary<long, string>? keyNames)
    {
        Id = id;
        Name = name;
        Fields = fields;
        DefaultFeed = defaultFeed;
        BusiestKeys = busiestKeys;
        BusiestBy = busiestBy;
        BusiestByIndex = busiestBy is null ? -1 : Array.IndexOf(fields, busiestBy);
        KeyNames = keyNames ?? new Dictionary<long, string>();
        JsonPrefix = Encoding.UTF8.GetBytes($"{{\"topic\":\"{name}\",\"key\":");
        JsonFields = Array.ConvertAll(fields, f => Encoding.UTF8.GetBytes($",\"{f}\":"));
    }

    /// <summary>The topic's index: the <c>topic</c> byte of binary frames and <see cref="LiveUpdate.Topic"/>.</summary>
    public int Id { get; }

    /// <summary>The name clients subscribe to.</summary>
    public string Name { get; }

    /// <summary>Field names, in the order of <see cref="LiveUpdate.Values"/>.</summary>
    public IReadOnlyList<string> Fields { get; }

    /// <summary>What a client that never subscribed receives of this topic.</summary>
    public DefaultFeed DefaultFeed { get; }

    /// <summary>Under <see cref="DefaultFeed.BusiestKeys"/>: how many keys (the most updated over the last second).</summary>
    public int BusiestKeys { get; }

    /// <summary>Under <see cref="DefaultFeed.BusiestKeys"/>: the field whose sum ranks the keys (a bar's tick count, say); null ranks by number of updates.</summary>
    public string? BusiestBy { get; }

    internal int BusiestByIndex { get; }

    /// <summary>Display names of keys (stage names, say), sent to clients in the hello message.</summary>
    public IReadOnlyDictionary<long, string> KeyNames { get; }

    // Pre-encoded JSON fragments, so encoding an update writes only numbers.
    internal byte[] JsonPrefix { get; }

    internal byte[][] JsonFields { get; }

    internal int FieldCount => JsonFields.Length;
}
