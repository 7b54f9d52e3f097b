namespace LowLatency.Engine.Tests.Journal;

/// <summary>A clock that moves forward by a seeded random step (0 to <c>maxStep</c>) every time it is read: a live clock, reproducible.</summary>
public sealed class SteppingTimeProvider(int seed, TimeSpan maxStep) : TimeProvider
{
    private readonly Random _random = new(seed);
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_random)
        {
            _now += TimeSpan.FromTicks((long)(_random.NextDouble() * maxStep.Ticks));
            return _now;
        }
    }
}
