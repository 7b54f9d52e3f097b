using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace LowLatency.Testing.Kafka;

/// <summary>
/// Batch consume through librdkafka's C API on a Confluent.Kafka consumer's own handle:
/// <c>rd_kafka_queue_get_consumer</c>, <c>rd_kafka_consume_batch_queue</c>, <c>rd_kafka_message_destroy</c>, resolved
/// in the librdkafka Confluent.Kafka loaded. One native call per batch instead of one per record, and no result
/// object. Confluent's rebalance, error and commit callbacks are served inside <see cref="Poll"/>, on its thread.
/// An experiment (probe test, bench scenario) before the source's poll path is built on it. Dispose it before the
/// consumer's <c>Close</c>: librdkafka's destroy waits, without a bound, for every reference to the consumer's queue
/// (a probe that closed first hung in <c>rd_kafka_destroy_flags</c>).
/// </summary>
public sealed unsafe class LibrdkafkaBatch : IDisposable
{
    /// <summary><c>RD_KAFKA_RESP_ERR__PARTITION_EOF</c>.</summary>
    public const int PartitionEof = -191;

    private static Native? s_native;
    private readonly Native _api;
    private readonly nint[] _messages;
    private nint _queue;
    private int _count;

    /// <param name="consumer">A subscribed Confluent.Kafka consumer; this polls its consumer queue instead of <c>Consume</c>.</param>
    /// <param name="capacity">Most records one <see cref="Poll"/> returns.</param>
    public LibrdkafkaBatch(IClient consumer, int capacity)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        _api = s_native ??= Native.Resolve(KafkaMockCluster.LoadedLibrdkafka());
        _messages = new nint[capacity];
        _queue = _api.QueueGetConsumer(RawHandle(consumer));
    }

    /// <summary>Releases the last batch and waits at most <paramref name="timeoutMs"/> for the next; returns how many records (or events such as end of partition) it holds.</summary>
    public int Poll(int timeoutMs)
    {
        Release();
        fixed (nint* batch = _messages)
        {
            long count = _api.ConsumeBatchQueue(_queue, timeoutMs, batch, (nuint)_messages.Length);
            _count = count < 0 ? 0 : (int)count;
        }

        return _count;
    }

    /// <summary>The <paramref name="index"/>-th message of the last batch (valid until the next <see cref="Poll"/>).</summary>
    public ref readonly RawMessage this[int index] => ref *(RawMessage*)_messages[index];

    /// <summary>The topic name of a message's topic handle.</summary>
    public string TopicOf(in RawMessage message) => Marshal.PtrToStringUTF8(_api.TopicName(message.Topic)) ?? "";

    public void Dispose()
    {
        Release();
        if (_queue != 0)
        {
            _api.QueueDestroy(_queue);
            _queue = 0;
        }
    }

    private void Release()
    {
        for (int i = 0; i < _count; i++)
        {
            _api.MessageDestroy(_messages[i]);
        }

        _count = 0;
    }

    /// <summary>rd_kafka_t* of a Confluent.Kafka client (the SafeHandle behind its <see cref="Handle"/> is internal to Confluent.Kafka).</summary>
    private static nint RawHandle(IClient client)
    {
        PropertyInfo property = typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("Confluent.Kafka's Handle.LibrdkafkaHandle not found (Confluent.Kafka changed).");
        return ((SafeHandle)property.GetValue(client.Handle)!).DangerousGetHandle();
    }

    /// <summary>rd_kafka_message_t, librdkafka's public (stable) layout.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public readonly struct RawMessage
    {
        public readonly int Err;
        public readonly nint Topic;
        public readonly int Partition;
        public readonly nint Payload;
        public readonly nuint Length;
        public readonly nint Key;
        public readonly nuint KeyLength;
        public readonly long Offset;
        private readonly nint _private;

        /// <summary>The value, over librdkafka's buffer.</summary>
        public ReadOnlySpan<byte> Value => new((void*)Payload, (int)Length);
    }

    private sealed class Native
    {
        public delegate* unmanaged<nint, nint> QueueGetConsumer;
        public delegate* unmanaged<nint, void> QueueDestroy;
        public delegate* unmanaged<nint, int, nint*, nuint, nint> ConsumeBatchQueue;
        public delegate* unmanaged<nint, void> MessageDestroy;
        public delegate* unmanaged<nint, nint> TopicName;

        public static Native Resolve(string path)
        {
            nint lib = NativeLibrary.Load(path);
            return new Native
            {
                QueueGetConsumer = (delegate* unmanaged<nint, nint>)NativeLibrary.GetExport(lib, "rd_kafka_queue_get_consumer"),
                QueueDestroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "rd_kafka_queue_destroy"),
                ConsumeBatchQueue = (delegate* unmanaged<nint, int, nint*, nuint, nint>)NativeLibrary.GetExport(lib, "rd_kafka_consume_batch_queue"),
                MessageDestroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "rd_kafka_message_destroy"),
                TopicName = (delegate* unmanaged<nint, nint>)NativeLibrary.GetExport(lib, "rd_kafka_topic_name"),
            };
        }
    }
}
