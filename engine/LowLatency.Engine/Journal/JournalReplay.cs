using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LowLatency.Engine.Journal;

/// <summary>
/// Feeds a pipeline from a journal: the events of a position range are claimed and published through the
/// ring in journal order, each with its recorded clock reading in the <see cref="RecordedClock"/>, at full
/// speed or at the recorded pace × N. Downstream stages see the same events, in the same order, at the same
/// processing times as in the recorded run, so a deterministic pipeline produces the same output.
/// </summary>
public static class JournalReplay
{
    /// <summary>
    /// Replays <paramref name="options"/>' range from <paramref name="reader"/> into <paramref name="ring"/> on the calling
    /// thread (a single producer); returns when the range (or the journal) ends. Throws what the reader throws on damage.
    /// </summary>
    public static JournalReplayResult Run<T, TCodec>(JournalReader reader, TCodec codec, RingBuffer<T> ring, RecordedClock? clock, JournalReplayOptions? options = null, CancellationToken cancel = default)
        where T : struct
        where TCodec : struct, IJournalCodec<T>
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(ring);
        options ??= JournalReplayOptions.Default;
        options.Validate();
        reader.SeekToPosition(options.FromPosition);

        int eventSize = codec.EventSize;
        long events = 0;
        long marks = 0;
        long first = -1;
        long last = -1;
        long startTimestamp = 0;
        long startClock = 0;
        bool paced = options.Speed > 0;
        bool started = false;
        double stopwatchPerClockTick = Stopwatch.Frequency / (double)options.ClockTicksPerSecond / (paced ? options.Speed : 1);

        while (!cancel.IsCancellationRequested && reader.TryRead(out JournalRecord record))
        {
            if (record.Position > options.ToPosition)
            {
                break;
            }

            if (paced)
            {
                if (!started)
                {
                    started = true;
                    startTimestamp = Stopwatch.GetTimestamp();
                    startClock = record.Clock;
                }

                WaitUntil(startTimestamp + (long)((record.Clock - startClock) * stopwatchPerClockTick), cancel);
            }

            if (record.Kind != JournalRecordKind.Events)
            {
                marks++;
                options.OnMark?.Invoke(record.Kind, record.Value, record.Position);
                continue;
            }

            // Trim the record to the range.
            long from = Math.Max(record.Position, options.FromPosition);
            long to = Math.Min(record.Position + record.Count - 1, options.ToPosition);
            if (to < from)
            {
                continue;
            }

            ReadOnlySpan<byte> payload = record.Payload.Slice((int)(from - record.Position) * eventSize, (int)(to - from + 1) * eventSize);
            first = first < 0 ? from : first;
            last = to;
            events += to - from + 1;
            Publish(payload, eventSize, ref codec, ring, clock, record.Clock);
        }

        return new JournalReplayResult(events, marks, first, last, reader.Damage);
    }

    private static void Publish<T, TCodec>(ReadOnlySpan<byte> payload, int eventSize, ref TCodec codec, RingBuffer<T> ring, RecordedClock? clock, long reading)
        where T : struct
        where TCodec : struct, IJournalCodec<T>
    {
        int remaining = payload.Length / eventSize;
        int maxClaim = ring.Capacity;
        while (remaining > 0)
        {
            int n = Math.Min(remaining, maxClaim);
            long high = ring.Next(n);
            long low = high - n + 1;
            long sequence = low;
            while (sequence <= high)
            {
                Span<T> slots = ring.GetContiguousSpan(sequence, (int)(high - sequence + 1));
                int bytes = slots.Length * eventSize;
                if (codec.IsRaw)
                {
                    payload[..bytes].CopyTo(MemoryMarshal.AsBytes(slots));
                }
                else
                {
                    for (int i = 0; i < slots.Length; i++)
                    {
                        codec.Decode(payload.Slice(i * eventSize, eventSize), ref slots[i]);
                    }
                }

                payload = payload[bytes..];
                sequence += slots.Length;
            }

            clock?.Set(low, n, reading);
            ring.Publish(low, high);
            remaining -= n;
        }
    }

    private static void WaitUntil(long timestamp, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            long remaining = timestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            if (remaining > Stopwatch.Frequency / 500)
            {
                Thread.Sleep(TimeSpan.FromSeconds(remaining / (double)Stopwatch.Frequency / 2));
            }
            else
            {
                Thread.Yield();
            }
        }
    }
}
