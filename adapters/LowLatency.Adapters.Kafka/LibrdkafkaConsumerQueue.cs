using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Batch consume on a Confluent.Kafka consumer's own librdkafka handle: <c>rd_kafka_queue_get_consumer</c>,
/// <c>rd_kafka_consume_batch_queue</c>, <c>rd_kafka_message_destroy</c>, resolved in the librdkafka file
/// Confluent.Kafka loaded. One native call per batch instead of one <c>Consume</c> (and one result object) per
/// record. Everything else stays Confluent's: the group, rebalance handlers (served inside <see cref="Poll"/>, on
/// its thread), offset store, commits, pause, seek and the group metadata for transactions.
/// </summary>
/// <remarks>
/// <para>Owned by one thread (the source's poll thread), which must <see cref="Dispose"/> it before the consumer's
/// <c>Close</c> or <c>Dispose</c>: librdkafka's destroy waits, without a bound, for every reference to the consumer's
/// queue and every undestroyed message.</para>
/// <para>The <c>rd_kafka_t*</c> is read, once, from Confluent.Kafka's internal <c>Handle.LibrdkafkaHandle</c> (there is no
/// public accessor); a Confluent.Kafka that renamed it fails here with a message saying so
/// (<c>KafkaBatchConsumeProbeTests</c> checks what the source relies on at each upgrade).</para>
/// </remarks>
internal sealed unsafe class LibrdkafkaConsumerQueue : IDisposable
{
    /// <summary><c>RD_KAFKA_RESP_ERR__PARTITION_EOF</c>: an event, not a record, telling the partition's end was reached.</summary>
    public const int PartitionEof = (int)ErrorCode.Local_PartitionEOF;

    private static readonly Lock s_resolveLock = new();
    private static Native? s_native;

    private readonly Native _api;
    private readonly IClient _consumer; // keeps the SafeHandle behind _handle alive
    private readonly nint _handle;
    private readonly nint* _messages; // pinned array of rd_kafka_message_t*, owned until Release
    private readonly nint[] _pinned;
    private nint _queue;
    private int _count;

    /// <param name="consumer">A Confluent.Kafka group consumer; its consumer queue is what this polls.</param>
    /// <param name="capacity">Most records (and events) one <see cref="Poll"/> returns.</param>
    public LibrdkafkaConsumerQueue(IClient consumer, int capacity)
    {
        _api = Resolve();
        _consumer = consumer;
        _handle = RawHandle(consumer);
        _pinned = GC.AllocateArray<nint>(capacity, pinned: true);
        _messages = (nint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_pinned));
        _queue = _api.QueueGetConsumer(_handle);
        if (_queue == 0)
        {
            throw new InvalidOperationException("librdkafka has no consumer queue for this client (not a group consumer).");
        }
    }

    /// <summary>How many records one <see cref="Poll"/> may return.</summary>
    public int Capacity => _pinned.Length;

    /// <summary>
    /// Releases the last batch, then takes at most <paramref name="max"/> records or events, waiting at most
    /// <paramref name="timeoutMs"/> for each missing one: call with a large <paramref name="max"/> and 0 to take what
    /// is queued, or with 1 and a timeout to wait for the next. Rebalance, error and log callbacks run inside.
    /// </summary>
    public int Poll(int max, int timeoutMs)
    {
        Debug.Assert(max >= 1 && max <= _pinned.Length, "a batch fits the pinned array");
        Release();
        nint count = _api.ConsumeBatchQueue(_queue, timeoutMs, _messages, (nuint)max);
        _count = count < 0 ? 0 : (int)count;
        return _count;
    }

    /// <summary>The <paramref name="index"/>-th message of the last batch; valid until the next <see cref="Poll"/> or <see cref="Release"/>.</summary>
    public ref readonly RawMessage this[int index]
    {
        get
        {
            Debug.Assert((uint)index < (uint)_count, "within the last batch");
            return ref *(RawMessage*)_messages[index];
        }
    }

    /// <summary>Destroys the last batch's messages (librdkafka's buffers go back to it).</summary>
    public void Release()
    {
        for (int i = 0; i < _count; i++)
        {
            _api.MessageDestroy(_messages[i]);
        }

        _count = 0;
    }

    /// <summary>The name of a message's topic handle (allocates: for a lookup miss only).</summary>
    public string TopicName(nint topic) => Marshal.PtrToStringUTF8(_api.TopicName(topic)) ?? "";

    /// <summary>An error message's reason (librdkafka puts it in the payload), or the code's own text.</summary>
    public static string ReasonOf(in RawMessage message) =>
        message.Payload != 0 && message.Length > 0
            ? Marshal.PtrToStringUTF8(message.Payload, (int)message.Length)
            : new Error((ErrorCode)message.Err).Reason;

    /// <summary>The client's fatal error (code and reason), for a message carrying <c>RD_KAFKA_RESP_ERR__FATAL</c>.</summary>
    public Error FatalError()
    {
        const int size = 512;
        byte* text = stackalloc byte[size];
        int code = _api.FatalError(_handle, text, size);
        return new Error((ErrorCode)code, Marshal.PtrToStringUTF8((nint)text) ?? "", isFatal: true);
    }

    /// <summary>Releases the last batch and the queue reference. Call before the consumer's close.</summary>
    public void Dispose()
    {
        Release();
        if (_queue != 0)
        {
            _api.QueueDestroy(_queue);
            _queue = 0;
        }

        GC.KeepAlive(_consumer);
    }

    /// <summary>rd_kafka_t* of a Confluent.Kafka client (the SafeHandle behind its <see cref="Handle"/> is internal).</summary>
    private static nint RawHandle(IClient client)
    {
        PropertyInfo property = typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("Confluent.Kafka's Handle.LibrdkafkaHandle was not found (Confluent.Kafka changed): the Kafka source cannot batch-consume.");
        return ((SafeHandle)property.GetValue(client.Handle)!).DangerousGetHandle();
    }

    private static Native Resolve()
    {
        lock (s_resolveLock)
        {
            return s_native ??= Native.Resolve(LoadedLibraryPath());
        }
    }

    /// <summary>The librdkafka file Confluent.Kafka mapped into this process (call after a client was built).</summary>
    internal static string LoadedLibraryPath()
    {
        string? found = null;
        foreach (string path in MappedFiles())
        {
            if (Path.GetFileName(path).Contains("librdkafka", StringComparison.Ordinal)) // librdkafka.so, or a variant: centos8-librdkafka.so, alpine-librdkafka.so
            {
                if (found is not null && !string.Equals(found, path, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"two librdkafka files are loaded ({found}, {path}): the Kafka source cannot tell which one Confluent.Kafka uses.");
                }

                found = path;
            }
        }

        return found ?? throw new InvalidOperationException("Confluent.Kafka has not loaded a librdkafka file into this process.");
    }

    /// <summary>Files mapped into this process: /proc/self/maps on Linux (the process's module list omits libraries loaded by name there), the module list elsewhere.</summary>
    private static IEnumerable<string> MappedFiles()
    {
        if (File.Exists("/proc/self/maps"))
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0)
                {
                    yield return line[slash..].Trim();
                }
            }

            yield break;
        }

        using var process = Process.GetCurrentProcess();
        foreach (ProcessModule module in process.Modules)
        {
            if (module.FileName is { } path)
            {
                yield return path;
            }
        }
    }

    /// <summary><c>rd_kafka_message_t</c>, librdkafka's public (stable) layout.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public readonly struct RawMessage
    {
        /// <summary><c>rd_kafka_resp_err_t</c>: 0 for a record.</summary>
        public readonly int Err;

        /// <summary><c>rd_kafka_topic_t*</c>: stable for a topic while the client holds it.</summary>
        public readonly nint Topic;

        public readonly int Partition;

        /// <summary>The value (or an error's reason); null for a null value.</summary>
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
        public delegate* unmanaged<nint, byte*, nuint, int> FatalError;

        public static Native Resolve(string path)
        {
            nint library = NativeLibrary.Load(path);
            return new Native
            {
                QueueGetConsumer = (delegate* unmanaged<nint, nint>)NativeLibrary.GetExport(library, "rd_kafka_queue_get_consumer"),
                QueueDestroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(library, "rd_kafka_queue_destroy"),
                ConsumeBatchQueue = (delegate* unmanaged<nint, int, nint*, nuint, nint>)NativeLibrary.GetExport(library, "rd_kafka_consume_batch_queue"),
                MessageDestroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(library, "rd_kafka_message_destroy"),
                TopicName = (delegate* unmanaged<nint, nint>)NativeLibrary.GetExport(library, "rd_kafka_topic_name"),
                FatalError = (delegate* unmanaged<nint, byte*, nuint, int>)NativeLibrary.GetExport(library, "rd_kafka_fatal_error"),
            };
        }
    }
}
