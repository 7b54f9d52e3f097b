using System.Diagnostics.Metrics;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// The adapter's instruments on the <c>LowLatency</c> meter: consumer lag per partition
/// (<c>lowlatency.kafka.consumer.lag</c>, tagged source/topic/partition), malformed records per reason
/// (<c>lowlatency.kafka.consumer.malformed</c>) and sink delivery counts.
/// </summary>
internal static class KafkaTelemetry
{
    public const string MeterName = "LowLatency";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly Lock s_lock = new();

    // Guarded by s_lock; a copy-on-write array so the observable callback iterates without the lock.
    private static Action<List<Measurement<long>>>[] s_lagSources = [];

    public static readonly Counter<long> Delivered = s_meter.CreateCounter<long>(
        "lowlatency.kafka.producer.delivered", "{record}", "Records the broker acknowledged.");

    public static readonly Counter<long> DeliveryFailed = s_meter.CreateCounter<long>(
        "lowlatency.kafka.producer.failed", "{record}", "Records whose delivery failed; the sink faults and holds commits back.");

    public static readonly Counter<long> Malformed = s_meter.CreateCounter<long>(
        "lowlatency.kafka.consumer.malformed", "{record}", "Records a source refused, tagged source and reason; skipped (and dead-lettered when configured).");

    public static readonly ObservableGauge<long> ConsumerLag = s_meter.CreateObservableGauge(
        "lowlatency.kafka.consumer.lag", ObserveLag, "{record}", "High watermark minus the source's position, per assigned partition.");

    public static void Register<T>(KafkaSource<T> source)
        where T : struct
    {
        lock (s_lock)
        {
            s_lagSources = [.. s_lagSources, source.CollectLag];
        }
    }

    public static void Unregister<T>(KafkaSource<T> source)
        where T : struct
    {
        lock (s_lock)
        {
            s_lagSources = Array.FindAll(s_lagSources, a => a.Target != source);
        }
    }

    private static List<Measurement<long>> ObserveLag()
    {
        var measurements = new List<Measurement<long>>();
        foreach (Action<List<Measurement<long>>> collect in Volatile.Read(ref s_lagSources))
        {
            collect(measurements);
        }

        return measurements;
    }
}
