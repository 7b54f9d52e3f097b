using System.Text;
using LowLatency.Adapters.WebSockets;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.WebSockets;

/// <summary>
/// The hub's table keeps the JSON of each key's value, written by the first send loop that sends that version
/// (<see cref="LatestValues.WriteJson"/>): the bytes a client gets are always the value it read, each version is
/// formatted once when loops take turns, and a loop never waits for another.
/// </summary>
[TestFixture]
public sealed class SharedJsonTests
{
    private static readonly string[] s_fields = ["open", "close"];

    [Test]
    public void WriteJson_SameVersionTwice_FormatsOnce_AndCopiesTheSameBytes()
    {
        (LatestValues latest, LiveTopic topic) = Create();
        latest.Append(Update(topic, key: 5, version: 1));
        latest.Publish();

        int encoded = 0;
        string first = Write(latest, topic, slot: 0, position: 0, ref encoded);
        string second = Write(latest, topic, slot: 0, position: 0, ref encoded);

        Assert.That(first, Is.EqualTo("""{"topic":"bars","key":5,"time":1,"open":1,"close":1.5}"""));
        Assert.That(second, Is.EqualTo(first));
        Assert.That(encoded, Is.EqualTo(1), "the second loop copied the first one's bytes");
    }

    [Test]
    public void WriteJson_NewerVersion_ReplacesTheCache_AndAnOlderOneIsFormattedWithoutTouchingIt()
    {
        (LatestValues latest, LiveTopic topic) = Create();
        latest.Append(Update(topic, key: 5, version: 1));
        latest.Publish();
        int encoded = 0;
        Assume.That(latest.TryRead(0, 0, out LiveUpdate old), Is.True);
        Write(latest, topic, slot: 0, position: 0, ref encoded);

        latest.Append(Update(topic, key: 5, version: 2)); // position 1
        latest.Publish();
        Assert.That(Write(latest, topic, slot: 0, position: 1, ref encoded), Does.Contain("\"time\":2,"));
        Assert.That(encoded, Is.EqualTo(2));

        // A loop still holding the value of position 0 (read before the newer one came) gets its own bytes, and
        // the cache keeps the newer version.
        var buffer = new byte[FrameEncoder.MaxJsonUpdateBytes(topic)];
        int length = latest.WriteJson(0, 0, in old, topic, buffer, ref encoded);
        Assert.That(Encoding.UTF8.GetString(buffer, 0, length), Does.Contain("\"time\":1,"));
        Assert.That(encoded, Is.EqualTo(3));
        Write(latest, topic, slot: 0, position: 1, ref encoded);
        Assert.That(encoded, Is.EqualTo(3), "position 1 is still the cached one");
    }

    [Test]
    public void WriteJson_ReadersWhileTheWriterReplacesValues_EveryCopyIsTheValueRead()
    {
        // Two reader threads race each other and the writer over 4 keys: every JSON a reader gets must be the
        // value it read (a torn or stale cache would give another version's bytes), and they must share work.
        (LatestValues latest, LiveTopic topic) = Create(logCapacity: 1024);
        const int Keys = 4;
        const long Versions = 200_000;
        using var done = new CancellationTokenSource();
        long copies = 0, formatted = 0;
        string? failure = null;

        void Read()
        {
            var buffer = new byte[FrameEncoder.MaxJsonUpdateBytes(topic)];
            var expected = new byte[buffer.Length];
            int encoded = 0;
            long reads = 0;
            while (!done.IsCancellationRequested && failure is null)
            {
                for (int slot = 0; slot < latest.SlotCount; slot++)
                {
                    long version = latest.VersionOf(slot);
                    if (version < 0 || !latest.TryRead(slot, version, out LiveUpdate value))
                    {
                        continue;
                    }

                    int length = latest.WriteJson(slot, version, in value, topic, buffer, ref encoded);
                    int expectedLength = FrameEncoder.WriteJsonUpdate(in value, topic, expected);
                    reads++;
                    if (!buffer.AsSpan(0, length).SequenceEqual(expected.AsSpan(0, expectedLength)))
                    {
                        failure = $"slot {slot} version {version}: got {Encoding.UTF8.GetString(buffer, 0, length)}, the value read is {Encoding.UTF8.GetString(expected, 0, expectedLength)}";
                    }
                }

                Thread.Yield();
            }

            Interlocked.Add(ref copies, reads);
            Interlocked.Add(ref formatted, encoded);
        }

        Thread[] readers = [new Thread(Read), new Thread(Read)];
        foreach (Thread reader in readers)
        {
            reader.Start();
        }

        for (long version = 0; version < Versions && failure is null; version++)
        {
            latest.Append(Update(topic, key: version % Keys, version));
            if (version % 64 == 0)
            {
                latest.Publish();
                Thread.Yield();
            }
        }

        latest.Publish();
        done.Cancel();
        foreach (Thread reader in readers)
        {
            Assert.That(reader.Join(TimeSpan.FromSeconds(30)), Is.True, "a reader did not stop");
        }

        TestContext.Out.WriteLine($"reads {copies}, formatted {formatted}");
        Assert.That(failure, Is.Null);
        Assert.That(copies, Is.GreaterThan(1000), "the readers ran");
        Assert.That(formatted, Is.LessThan(copies), "some reads copied another reader's bytes");
    }

    [Test]
    public void Start_MaxKeysTimesTheJsonBeyondOneArray_FailsNamingMaxKeys()
    {
        var hub = new WebSocketHub(WebSocketHubOptions.Default with { MaxKeys = 100_000_000, MaxBufferBytes = long.MaxValue });
        hub.AddTopic("bars", s_fields);

        Assert.That(hub.Start, Throws.ArgumentException.With.Message.Contains("MaxKeys"));
        Assert.That(hub.IsRunning, Is.False);
    }

    private static (LatestValues Latest, LiveTopic Topic) Create(int logCapacity = 1024)
    {
        var hub = new WebSocketHub();
        LiveTopic topic = hub.AddTopic("bars", s_fields);
        return (new LatestValues(maxKeys: 16, logCapacity, maxUnpublished: 256, FrameEncoder.MaxJsonUpdateBytes(topic)), topic);
    }

    private static LiveUpdate Update(LiveTopic topic, long key, long version)
    {
        LiveUpdate update = default;
        update.Topic = topic.Id;
        update.Key = key;
        update.Time = version;
        update.Values[0] = version;
        update.Values[1] = version + 0.5;
        return update;
    }

    private static string Write(LatestValues latest, LiveTopic topic, int slot, long position, ref int encoded)
    {
        Assert.That(latest.TryRead(slot, position, out LiveUpdate value), Is.True);
        var buffer = new byte[FrameEncoder.MaxJsonUpdateBytes(topic)];
        int length = latest.WriteJson(slot, position, in value, topic, buffer, ref encoded);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
