using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace LowLatency.Adapters.Kafka;

/// <summary>The adapter's log lines (source-generated: no formatting unless the level is enabled).</summary>
internal static partial class KafkaLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Kafka source '{Source}': {Reason}; waiting (bounded by BrokerTimeout)")]
    public static partial void LogSourceTrouble(this ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Kafka source '{Source}': cluster reachable and every topic present")]
    public static partial void LogSourceRecovered(this ILogger logger, string source);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Kafka source '{Source}' stopped: {Reason}")]
    public static partial void LogSourceFaulted(this ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Kafka source '{Source}': offset commit failed: {Reason}")]
    public static partial void LogCommitFailed(this ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Kafka sink '{Sink}': {Reason}")]
    public static partial void LogSinkFaulted(this ILogger logger, string sink, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Kafka source '{Source}': malformed record {Topic}/{Partition}@{Offset}: {Reason}")]
    public static partial void LogMalformed(this ILogger logger, string source, string topic, int partition, long offset, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Kafka source '{Source}': an assignment of {Count} partitions served inside the close is not taken")]
    public static partial void LogAssignmentInClose(this ILogger logger, string source, int count);

    [LoggerMessage(EventId = 100, Message = "librdkafka {Name} {Facility}: {Message}")]
    public static partial void LogClient(this ILogger logger, LogLevel level, string name, string facility, string message);

    /// <summary>librdkafka's log lines, at their syslog level mapped to <see cref="LogLevel"/>.</summary>
    public static void LogClient(this ILogger logger, LogMessage message)
    {
        LogLevel level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
            SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        if (logger.IsEnabled(level))
        {
            logger.LogClient(level, message.Name, message.Facility, message.Message);
        }
    }
}
