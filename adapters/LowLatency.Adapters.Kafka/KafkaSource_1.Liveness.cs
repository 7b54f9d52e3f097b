using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Liveness: the source never waits on the outside world without a bound. librdkafka retries an unreachable,
/// unresolvable or lost cluster forever and reports it once (as a non-fatal error); a missing topic is
/// reported as a consume error. Each opens a <i>trouble</i> period; while it lasts the poll thread asks the
/// cluster for metadata about once a second (a bounded call on a handle sharing the consumer's connections).
/// An answer that lists every subscribed topic ends the trouble; if it lasts
/// <see cref="KafkaSourceOptions.BrokerTimeout"/>, <see cref="Completion"/> faults with a
/// <see cref="KafkaSourceException"/> whose one-line message says what the source waited for.
/// </summary>
public sealed partial class KafkaSource<T>
{
    // Poll thread only. _troubleSince is a Stopwatch timestamp, 0 while the cluster is known healthy.
    private long _troubleSince;
    private string _troubleReason = "";
    private long _nextProbe;
    private bool _troubleLogged;
    private IAdminClient? _probe;

    // Written by the poll thread (volatile), read by anyone.
    private long _recoveries;

    /// <summary>Trouble periods that ended by themselves (the cluster came back within the bound).</summary>
    public long Recoveries => Volatile.Read(ref _recoveries);

    /// <summary>True while the poll thread has no evidence that a broker answers and every topic exists.</summary>
    private bool InTrouble => _troubleSince != 0;

    /// <summary>Opens (or re-labels) a trouble period; logged once librdkafka has reported it or a probe failed.</summary>
    private void EnterTrouble(string reason, bool reported = true)
    {
        _troubleReason = reason;
        if (_troubleSince == 0)
        {
            _troubleSince = Stopwatch.GetTimestamp();
            _nextProbe = _troubleSince;
            _troubleLogged = false;
        }

        if (reported && !_troubleLogged)
        {
            _troubleLogged = true;
            _logger.LogSourceTrouble(_options.Name, reason);
        }
    }

    /// <summary>Called from every progress round: probes while in trouble, faults once the bound has passed.</summary>
    private void CheckLiveness()
    {
        if (_troubleSince == 0)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (now >= _nextProbe)
        {
            Probe();
            _nextProbe = Stopwatch.GetTimestamp() + ProbeInterval.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
            if (_troubleSince == 0)
            {
                return;
            }
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(_troubleSince);
        if (elapsed >= _options.BrokerTimeout)
        {
            string message = string.Create(CultureInfo.InvariantCulture,
                $"Kafka source '{_options.Name}' gave up after BrokerTimeout = {_options.BrokerTimeout.TotalSeconds:0.###} s ({elapsed.TotalSeconds:0.0} s): {_troubleReason} (bootstrap.servers = {_options.BootstrapServers}, topics = {string.Join(',', _options.Topics)}).");
            Interlocked.CompareExchange(ref _fault, new KafkaSourceException(message), null);
        }
    }

    /// <summary>At most a second between probes, and several within the bound however short it is.</summary>
    private TimeSpan ProbeInterval => TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, _options.BrokerTimeout.Ticks / 4));

    private void Probe()
    {
        _probe ??= new DependentAdminClientBuilder(_consumer!.Handle).Build();
        try
        {
            Metadata metadata = _probe.GetMetadata(ProbeInterval);
            foreach (string topic in _options.Topics)
            {
                TopicMetadata? found = metadata.Topics.Find(t => t.Topic == topic);
                if (found is null || found.Error.IsError || found.Partitions.Count == 0)
                {
                    EnterTrouble($"topic '{topic}' does not exist" + (found is { Error.IsError: true } ? $" ({found.Error.Reason})" : ""));
                    return;
                }
            }

            _troubleSince = 0;
            if (_troubleLogged)
            {
                // A start-up whose first probe succeeded was never trouble worth a line or a count.
                Volatile.Write(ref _recoveries, _recoveries + 1);
                _logger.LogSourceRecovered(_options.Name);
            }
        }
        catch (KafkaException e)
        {
            // Keep the reason librdkafka gave (e.g. "resolve failed"); a timed-out probe adds nothing to it.
            if (_troubleReason.Length == 0)
            {
                _troubleReason = e.Error.Reason;
            }

            EnterTrouble(_troubleReason);
        }
    }

    /// <summary>librdkafka's error callback; served on the poll thread, inside the batch call.</summary>
    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            Interlocked.CompareExchange(ref _fault, new KafkaSourceException($"Kafka source '{_options.Name}': fatal client error {error.Code}: {error.Reason}", new KafkaException(error)), null);
        }
        else if (IsUnreachable(error.Code))
        {
            EnterTrouble(error.Reason);
        }
    }

    /// <summary>librdkafka's non-fatal errors that mean the cluster cannot be reached at all.</summary>
    private static bool IsUnreachable(ErrorCode code) =>
        code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Resolve;

    private void DisposeProbe()
    {
        _probe?.Dispose();
        _probe = null;
    }
}
