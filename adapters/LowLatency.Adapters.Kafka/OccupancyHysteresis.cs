using LowLatency.Engine.Sequencing;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Pause/resume decision from ring occupancy with high/low marks, so a source stops fetching instead of
/// buffering and does not flap around one threshold.
/// </summary>
/// <remarks>
/// Isolated here because it reads the ring's occupancy directly; when the engine's flow-control signals
/// (<c>LowLatency.Engine.Flow</c>) land, this is the one type that changes. Owned by one thread (the
/// source's poll thread): no shared mutable state of its own.
/// </remarks>
internal sealed class OccupancyHysteresis
{
    private readonly Sequencer _sequencer;
    private readonly long _pauseAt;
    private readonly long _resumeAt;

    public OccupancyHysteresis(Sequencer sequencer, double pauseAt, double resumeAt)
    {
        _sequencer = sequencer;
        _pauseAt = Math.Max(1, (long)(sequencer.BufferSize * pauseAt));
        _resumeAt = Math.Min(_pauseAt - 1, (long)(sequencer.BufferSize * resumeAt));
    }

    /// <summary>Occupancy at or above which fetching pauses.</summary>
    public long PauseAt => _pauseAt;

    /// <summary>Occupancy at or below which fetching resumes.</summary>
    public long ResumeAt => _resumeAt;

    /// <summary>True when the caller should be paused, given whether it is now.</summary>
    public bool ShouldBePaused(bool paused)
    {
        long occupancy = _sequencer.Occupancy;
        return paused ? occupancy > _resumeAt : occupancy >= _pauseAt;
    }
}
