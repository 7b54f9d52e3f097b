using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>An <see cref="ILogger"/> that keeps every formatted line at <c>minimum</c> or above (any thread).</summary>
internal sealed class ListLogger(LogLevel minimum = LogLevel.Information) : ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            _lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
        }
    }
}
