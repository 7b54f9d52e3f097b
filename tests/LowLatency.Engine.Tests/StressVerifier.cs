using LowLatency.Engine.Processing;

namespace LowLatency.Engine.Tests;

/// <summary>What one stage saw: per-producer order, checksums, counts. Written by the stage thread only.</summary>
internal sealed class StressLog(int producers)
{
    public readonly long[] LastPerProducer = Enumerable.Repeat(-1L, producers).ToArray();
    public long Seen;
    public long Duplicated;
    public long Gaps;
    public long BadChecksums;
    public long BadMarks;
    public long RingOrderViolations;
    public long LastRingSequence = -1;
}

/// <summary>A stage that checks every event: exactly once, in order per producer, fields intact.</summary>
internal struct StressVerifier(StressLog log, StressVerifier.Role role = StressVerifier.Role.Plain) : IEventHandler<StressEvent>
{
    public enum Role
    {
        Plain,
        MarkLeft,
        MarkRight,
        CheckMarks,
    }

    public readonly void OnEvent(ref StressEvent data, long sequence, bool endOfBatch)
    {
        if (sequence != log.LastRingSequence + 1)
        {
            log.RingOrderViolations++;
        }

        log.LastRingSequence = sequence;
        log.Seen++;
        long last = log.LastPerProducer[data.Producer];
        if (data.ProducerSequence <= last)
        {
            log.Duplicated++;
        }
        else if (data.ProducerSequence != last + 1)
        {
            log.Gaps++;
        }

        log.LastPerProducer[data.Producer] = Math.Max(last, data.ProducerSequence);
        if (data.Checksum != StressEvent.ChecksumOf(data.Producer, data.ProducerSequence))
        {
            log.BadChecksums++;
        }

        switch (role)
        {
            case Role.MarkLeft:
                data.LeftMark = sequence;
                break;
            case Role.MarkRight:
                data.RightMark = sequence;
                break;
            case Role.CheckMarks when data.LeftMark != sequence || data.RightMark != sequence:
                log.BadMarks++;
                break;
        }
    }
}
