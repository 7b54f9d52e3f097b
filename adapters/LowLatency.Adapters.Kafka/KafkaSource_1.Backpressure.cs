using System.Diagnostics;
using System.Runtime.CompilerServices;
using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Backpressure: at the ring's high mark the source stops taking records (librdkafka's bounded prefetch absorbs a
/// short stall); past <see cref="KafkaSourceOptions.PauseAfter"/> it pauses every assigned partition and resumes them,
/// at the next unpublished offsets, at the low mark.
/// </summary>
public sealed partial class KafkaSource<T>
{
    /// <summary>
    /// The ring is at its high mark (or partitions are paused and it is not yet at its low mark). First stop
    /// calling consume: librdkafka keeps its bounded prefetch, and a short stall costs nothing. If the ring
    /// stays high past <see cref="KafkaSourceOptions.PauseAfter"/>, pause every assigned partition (which
    /// drops the prefetch, freeing its memory) and keep polling so group membership stays alive. Resume at
    /// the low mark.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ApplyBackpressureSlow()
    {
        if (_paused)
        {
            // At the low mark (the caller checked): resume.
            if (_assignedPartitions.Count > 0)
            {
                _consumer!.Resume(_assignedPartitions);
                RestartFetchAtPositions();
            }

            _paused = false;
            Volatile.Write(ref _isPaused, false);
            return;
        }

        long since = Stopwatch.GetTimestamp();
        var spin = default(SpinWait);
        while (!_flow.IsAtLow())
        {
            if (_stopRequested || _ring.IsClosed)
            {
                return;
            }

            if (Stopwatch.GetElapsedTime(since) >= _options.PauseAfter)
            {
                if (_assignedPartitions.Count > 0)
                {
                    _consumer!.Pause(_assignedPartitions);
                }

                _paused = true;
                Volatile.Write(ref _isPaused, true);
                Volatile.Write(ref _pauses, _pauses + 1);
                return;
            }

            if (Stopwatch.GetTimestamp() >= _nextRound)
            {
                ProgressRound();
            }

            spin.SpinOnce(sleep1Threshold: 10);
        }
    }

    /// <summary>Newly assigned partitions start unpaused; re-pause them if the ring is still high.</summary>
    private void ReapplyPause()
    {
        if (_paused && _assignedPartitions.Count > 0)
        {
            _consumer!.Pause(_assignedPartitions);
        }
    }

    /// <summary>
    /// Pausing drops librdkafka's prefetched records; under rapid pause/resume cycles its fetcher was seen
    /// (librdkafka 2.16 against the mock) to stay idle after a resume. Seeking each partition to the next
    /// offset this source has not yet published restarts the fetch there, which is also exactly where
    /// continuity requires it to restart.
    /// </summary>
    private void RestartFetchAtPositions()
    {
        foreach (KafkaPartitionState state in _assigned)
        {
            if (state.Position >= 0)
            {
                try
                {
                    _consumer!.Seek(new TopicPartitionOffset(state.TopicPartition, new Offset(state.Position)));
                }
                catch (KafkaException)
                {
                    // Not fetching yet (its assignment is still being applied): it will start at its committed offset, which is not past Position.
                }
            }
        }
    }
}
