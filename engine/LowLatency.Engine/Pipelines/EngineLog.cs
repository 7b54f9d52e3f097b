using LowLatency.Engine.Processing;
using Microsoft.Extensions.Logging;

namespace LowLatency.Engine.Pipelines;

/// <summary>
/// Everything the engine logs (the pipeline, and the stall watchdog above it), as source-generated messages: each checks <see cref="ILogger.IsEnabled"/>
/// first and formats nothing when the level is off. None of them is on a per-event path.
/// </summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Pipeline '{Pipeline}' started: {Stages} stage(s), {Capacity} slots, {WaitStrategy} wait")]
    public static partial void Started(ILogger logger, string pipeline, int stages, int capacity, WaitStrategyKind waitStrategy);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Pipeline '{Pipeline}' shut down: {Reason}")]
    public static partial void ShutDown(ILogger logger, string pipeline, ShutdownReason reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Pipeline '{Pipeline}' halted: stage '{Stage}' failed at sequence {Sequence}")]
    public static partial void StageFaulted(ILogger logger, Exception error, string pipeline, string stage, long sequence);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Pipeline '{Pipeline}': stage '{Stage}' dead-lettered sequence {Sequence}")]
    public static partial void DeadLettered(ILogger logger, Exception error, string pipeline, string stage, long sequence);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Pipeline '{Pipeline}': stage '{Stage}' stalled for {StalledFor} at sequence {Sequence} with {Pending} event(s) waiting")]
    public static partial void Stalled(ILogger logger, string pipeline, string stage, TimeSpan stalledFor, long sequence, long pending);
}
