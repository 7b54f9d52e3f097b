using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// Writes a batch of updates as one frame: JSON text (<c>{"type":"updates","items":[…]}</c>) or the compact
/// binary layout (README, "Binary frames"). Writes into a caller's buffer; allocates nothing. A JSON frame's items
/// are encoded once per value for every client (<see cref="LatestValues.WriteJson"/>): formatting doubles is what a
/// frame costs most.
/// </summary>
internal static class FrameEncoder
{
    /// <summary>First byte of a binary frame ('L').</summary>
    public const byte BinaryMagic = 0x4C;

    /// <summary>Second byte of a binary frame: the layout version.</summary>
    public const byte BinaryVersion = 1;

    public const int BinaryHeaderBytes = 4;

    /// <summary>topic (1) + field count (1) + key (8) + time (8), before the fields.</summary>
    public const int BinaryUpdateHeaderBytes = 18;

    private static ReadOnlySpan<byte> JsonOpen => "{\"type\":\"updates\",\"items\":["u8;

    private static ReadOnlySpan<byte> JsonClose => "]}"u8;

    private static ReadOnlySpan<byte> JsonTime => ",\"time\":"u8;

    private static ReadOnlySpan<byte> JsonNull => "null"u8;

    /// <summary>The most bytes one update of <paramref name="topic"/> takes in either format.</summary>
    public static int MaxUpdateBytes(LiveTopic topic)
    {
        // JSON: the update and the "," before it.
        return Math.Max(MaxJsonUpdateBytes(topic) + 1, BinaryUpdateHeaderBytes + (8 * topic.FieldCount));
    }

    /// <summary>The most bytes a frame of <paramref name="maxUpdates"/> updates of these topics takes.</summary>
    public static int MaxFrameBytes(IReadOnlyList<LiveTopic> topics, int maxUpdates)
    {
        int largest = 0;
        foreach (LiveTopic topic in topics)
        {
            largest = Math.Max(largest, MaxUpdateBytes(topic));
        }

        return JsonOpen.Length + JsonClose.Length + BinaryHeaderBytes + (maxUpdates * largest);
    }

    /// <summary>The most bytes one update of <paramref name="topic"/> takes as JSON (<see cref="WriteJsonUpdate"/>).</summary>
    public static int MaxJsonUpdateBytes(LiveTopic topic)
    {
        // Prefix, 20-digit key, time, 20-digit time, each field name and a ≤ 24-character double, and "}".
        int json = topic.JsonPrefix.Length + 20 + JsonTime.Length + 20 + 1;
        foreach (byte[] field in topic.JsonFields)
        {
            json += field.Length + 24;
        }

        return json;
    }

    /// <summary>
    /// Writes the updates <paramref name="slots"/> at <paramref name="versions"/> of <paramref name="shared"/>
    /// (their values in <paramref name="updates"/>) as one JSON text frame, each update's JSON copied from the table's
    /// shared encoding when another send loop already encoded that value (<see cref="LatestValues.WriteJson"/>);
    /// returns the frame's length. <paramref name="encoded"/> counts the updates this call encoded itself.
    /// </summary>
    public static int WriteJson(
        ReadOnlySpan<LiveUpdate> updates, ReadOnlySpan<int> slots, ReadOnlySpan<long> versions, LiveTopic[] topics, LatestValues shared, Span<byte> destination, ref int encoded)
    {
        JsonOpen.CopyTo(destination);
        int at = JsonOpen.Length;
        for (int i = 0; i < updates.Length; i++)
        {
            if (i > 0)
            {
                destination[at++] = (byte)',';
            }

            ref readonly LiveUpdate update = ref updates[i];
            at += shared.WriteJson(slots[i], versions[i], in update, topics[update.Topic], destination[at..], ref encoded);
        }

        at += Copy(JsonClose, destination[at..]);
        return at;
    }

    /// <summary>Writes one update as a JSON object (an item of a JSON frame); returns its length.</summary>
    public static int WriteJsonUpdate(in LiveUpdate update, LiveTopic topic, Span<byte> destination)
    {
        int at = Copy(topic.JsonPrefix, destination);
        at += WriteInteger(update.Key, destination[at..]);
        at += Copy(JsonTime, destination[at..]);
        at += WriteInteger(update.Time, destination[at..]);
        byte[][] fields = topic.JsonFields;
        for (int f = 0; f < fields.Length; f++)
        {
            at += Copy(fields[f], destination[at..]);
            at += WriteDouble(update.Values[f], destination[at..]);
        }

        destination[at++] = (byte)'}';
        return at;
    }

    /// <summary>Writes <paramref name="updates"/> as one binary frame; returns its length.</summary>
    public static int WriteBinary(ReadOnlySpan<LiveUpdate> updates, LiveTopic[] topics, Span<byte> destination)
    {
        Debug.Assert(updates.Length <= ushort.MaxValue, "MaxUpdatesPerFrame is validated to fit the count field.");
        destination[0] = BinaryMagic;
        destination[1] = BinaryVersion;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)updates.Length);
        int at = BinaryHeaderBytes;
        foreach (ref readonly LiveUpdate update in updates)
        {
            int fields = topics[update.Topic].FieldCount;
            destination[at] = (byte)update.Topic;
            destination[at + 1] = (byte)fields;
            BinaryPrimitives.WriteInt64LittleEndian(destination[(at + 2)..], update.Key);
            BinaryPrimitives.WriteInt64LittleEndian(destination[(at + 10)..], update.Time);
            at += BinaryUpdateHeaderBytes;
            for (int f = 0; f < fields; f++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(destination[at..], update.Values[f]);
                at += 8;
            }
        }

        return at;
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }

    private static int WriteInteger(long value, Span<byte> destination)
    {
        bool ok = value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture);
        Debug.Assert(ok, "MaxUpdateBytes leaves 20 bytes for an integer.");
        return written;
    }

    private static int WriteDouble(double value, Span<byte> destination)
    {
        // JSON has no NaN or infinities.
        if (!double.IsFinite(value))
        {
            return Copy(JsonNull, destination);
        }

        bool ok = value.TryFormat(destination, out int written, "R", CultureInfo.InvariantCulture);
        Debug.Assert(ok, "MaxUpdateBytes leaves 24 bytes for a double.");
        return written;
    }
}
