namespace LowLatency.Engine.Tests;

/// <summary>The event of the stress tests: who sent it, its per-producer sequence, and a checksum of both.</summary>
internal struct StressEvent
{
    public int Producer;
    public long ProducerSequence;
    public long Checksum;

    /// <summary>Written by diamond branch stages, checked by the join stage.</summary>
    public long LeftMark;
    public long RightMark;

    public static long ChecksumOf(int producer, long sequence) => (sequence * unchecked((long)0x9E3779B97F4A7C15UL)) ^ ((long)producer << 48) ^ 0x5DEECE66DL;

    public void Fill(int producer, long sequence)
    {
        Producer = producer;
        ProducerSequence = sequence;
        Checksum = ChecksumOf(producer, sequence);
        LeftMark = -1;
        RightMark = -1;
    }
}
