namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Event time: per partition <c>W = maxTs − MaxOutOfOrderness − 1</c>; the source's watermark is the minimum over
/// assigned partitions that are not idle (at their end offset, or silent past <see cref="KafkaSourceOptions.IdleTimeout"/>),
/// never going back. Caught up: every assigned partition at its end.
/// </summary>
public sealed partial class KafkaSource<T>
{
    private void OnEventTime(KafkaPartitionState state, long eventTime)
    {
        bool recompute = state.Idle;
        state.Idle = false;
        if (eventTime > state.MaxEventTime)
        {
            state.MaxEventTime = eventTime;
            long candidate = eventTime - _options.MaxOutOfOrderness - 1;
            if (candidate > state.Watermark)
            {
                recompute |= state.Watermark <= _watermark;
                state.Watermark = candidate;
            }
        }

        if (recompute)
        {
            RecomputeWatermark();
        }
    }

    private void OnEndOfPartition(KafkaPartitionState? state)
    {
        if (state is not null)
        {
            state.AtEnd = true;
            if (!state.Idle)
            {
                state.Idle = true;
                RecomputeWatermark();
            }
        }

        UpdateCaughtUp();
    }

    private void RecomputeWatermark()
    {
        long minActive = long.MaxValue;
        long maxAll = long.MinValue;
        foreach (KafkaPartitionState state in _assigned)
        {
            maxAll = Math.Max(maxAll, state.Watermark);
            if (!state.Idle)
            {
                minActive = Math.Min(minActive, state.Watermark);
            }
        }

        long combined = minActive != long.MaxValue ? minActive : maxAll;
        if (combined > _watermark)
        {
            Volatile.Write(ref _watermark, combined);
        }
    }

    private void UpdateCaughtUp()
    {
        bool caughtUp = _assigned.Count > 0;
        foreach (KafkaPartitionState state in _assigned)
        {
            caughtUp &= state.AtEnd;
        }

        Volatile.Write(ref _caughtUp, caughtUp);
    }

    private void CheckIdle()
    {
        if (_idleTimeoutTicks == long.MaxValue)
        {
            return;
        }

        long now = _time.GetTimestamp();
        bool changed = false;
        foreach (KafkaPartitionState state in _assigned)
        {
            if (_paused)
            {
                // Back-pressured time is not silence: the partition may have data we chose not to fetch.
                state.LastEventTimestamp = now;
            }
            else if (!state.Idle && now - state.LastEventTimestamp >= _idleTimeoutTicks)
            {
                state.Idle = true;
                changed = true;
            }
        }

        if (changed)
        {
            RecomputeWatermark();
        }
    }
}
