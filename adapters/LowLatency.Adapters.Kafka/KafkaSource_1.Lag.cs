using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>Consumer lag per assigned partition (high watermark − position, from librdkafka's cached fetch state), for the meter.</summary>
public sealed partial class KafkaSource<T>
{
    private void UpdateLag()
    {
        IConsumer<Ignore, Ignore> consumer = _consumer!;
        foreach (KafkaPartitionState state in _assigned)
        {
            // Cached from fetch responses: no broker round trip. Before the first record, lag counts from the log start.
            WatermarkOffsets offsets = consumer.GetWatermarkOffsets(state.TopicPartition);
            long position = state.Position >= 0 ? state.Position : offsets.Low.Value;
            if (offsets.High.Value >= 0 && position >= 0)
            {
                Volatile.Write(ref state.Lag, Math.Max(0, offsets.High.Value - position));
            }
        }
    }

    /// <summary>Diagnostics for tests: each assigned partition's state as the poll thread last left it (racy read).</summary>
    internal string DescribePartitions()
    {
        var text = new System.Text.StringBuilder();
        foreach (KafkaPartitionState state in Volatile.Read(ref _lagView))
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"[{state.Topic}/{state.Partition} pos={state.Position} end={state.AtEnd} stored={state.Stored} lag={state.Lag}] ");
        }

        return text.ToString();
    }

    internal void CollectLag(List<System.Diagnostics.Metrics.Measurement<long>> into)
    {
        foreach (KafkaPartitionState state in Volatile.Read(ref _lagView))
        {
            into.Add(new(
                Volatile.Read(ref state.Lag),
                new KeyValuePair<string, object?>("source", _options.Name),
                new KeyValuePair<string, object?>("topic", state.Topic),
                new KeyValuePair<string, object?>("partition", state.Partition)));
        }
    }
}
