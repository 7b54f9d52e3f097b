using System.Diagnostics;
using System.Runtime.InteropServices;
using LowLatency.Engine.Processing;

namespace LowLatency.Engine.Journal;

/// <summary>
/// Feeds a pipeline from a journal: the events of a position range are claimed and published through the
/// ring in journal order, each with its recorded clock reading in the <see cref="RecordedClock"/>, at full
/// speed or at the recorded pace × N. Downstream stages see the same events, in the same order, at the same
/// processing times as in the recorded run, so a deterministic pipeline produces the same output. A replay into
/// one stage can skip the ring and call the stage on the replaying thread instead
/// (<see cref="Run{T, TCodec, THandler}(JournalReader, TCodec, ref THandler, RecordedClock, T[], JournalReplayOptions?, CancellationToken)"/>).
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
        ArgumentNullException.ThrowIfNull(ring);
        var target = new RingTarget<T, TCodec>(codec, ring, clock);
        return Replay(reader, codec.EventSize, ref target, options, cancel);
    }

    /// <summary>
    /// Replays <paramref name="options"/>' range from <paramref name="reader"/> straight into <paramref name="handler"/> on
    /// the calling thread, with no ring and no second thread: the events of each record are decoded into
    /// <paramref name="buffer"/> and handed over in batches of at most its length, with sequences from 0 and each event's
    /// recorded reading in <paramref name="clock"/> (the handler's), as a ring of the clock's capacity would hand them to
    /// the stage. For one stage (a <see cref="RecordedClockWindowStage{TEvent, TOperator}"/>, say) this is the fastest
    /// replay: the events never cross to another core. Lifecycle calls are the caller's: drain the stage's operator when
    /// the replay returns. Returns when the range (or the journal) ends; throws what the reader or the handler throws.
    /// </summary>
    public static JournalReplayResult Run<T, TCodec, THandler>(JournalReader reader, TCodec codec, ref THandler handler, RecordedClock clock, T[] buffer, JournalReplayOptions? options = null, CancellationToken cancel = default)
        where T : struct
        where TCodec : struct, IJournalCodec<T>
        where THandler : IBatchEventHandler<T>
    {
        if (handler is null) // not ThrowIfNull(object): that would box a struct handler on every call
        {
            throw new ArgumentNullException(nameof(handler));
        }

        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Length == 0 || buffer.Length > clock.Capacity)
        {
            ThrowHelper.ThrowOption(nameof(buffer), buffer.Length, $"must hold 1 to the clock's capacity ({clock.Capacity}) events.");
        }

        var target = new HandlerTarget<T, TCodec, THandler>(codec, handler, clock, buffer);
        try
        {
            return Replay(reader, codec.EventSize, ref target, options, cancel);
        }
        finally
        {
            handler = target.Handler; // a struct handler's state comes back to the caller
        }
    }

    private static JournalReplayResult Replay<TTarget>(JournalReader reader, int eventSize, ref TTarget target, JournalReplayOptions? options, CancellationToken cancel)
        where TTarget : struct, IReplayTarget
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= JournalReplayOptions.Default;
        options.Validate();
        reader.SeekToPosition(options.FromPosition);

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
            target.Publish(payload, record.Clock);
        }

        return new JournalReplayResult(events, marks, first, last, reader.Damage);
    }

    /// <summary>Decodes <paramref name="payload"/> (whole events) into <paramref name="slots"/>, as many as fit; the bytes used.</summary>
    private static int Decode<T, TCodec>(ReadOnlySpan<byte> payload, Span<T> slots, ref TCodec codec)
        where T : struct
        where TCodec : struct, IJournalCodec<T>
    {
        int eventSize = codec.EventSize;
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

        return bytes;
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

    /// <summary>Where a replay's events go: a record's events (whole, in range) with its clock reading.</summary>
    private interface IReplayTarget
    {
        void Publish(ReadOnlySpan<byte> payload, long reading);
    }

    /// <summary>Claims, fills and publishes ring slots, at most the ring's capacity at a time.</summary>
    private struct RingTarget<T, TCodec>(TCodec codec, RingBuffer<T> ring, RecordedClock? clock) : IReplayTarget
        where T : struct
        where TCodec : struct, IJournalCodec<T>
    {
        private TCodec _codec = codec;

        public void Publish(ReadOnlySpan<byte> payload, long reading)
        {
            int remaining = payload.Length / _codec.EventSize;
            while (remaining > 0)
            {
                int n = Math.Min(remaining, ring.Capacity);
                long high = ring.Next(n);
                long low = high - n + 1;
                for (long sequence = low; sequence <= high;)
                {
                    Span<T> slots = ring.GetContiguousSpan(sequence, (int)(high - sequence + 1));
                    payload = payload[Decode(payload, slots, ref _codec)..];
                    sequence += slots.Length;
                }

                clock?.Set(low, n, reading);
                ring.Publish(low, high);
                remaining -= n;
            }
        }
    }

    /// <summary>Decodes into the buffer and calls the handler on this thread, at most the buffer's length at a time.</summary>
    private struct HandlerTarget<T, TCodec, THandler>(TCodec codec, THandler handler, RecordedClock clock, T[] buffer) : IReplayTarget
        where T : struct
        where TCodec : struct, IJournalCodec<T>
        where THandler : IBatchEventHandler<T>
    {
        private TCodec _codec = codec;
        private long _sequence;

        public THandler Handler = handler;

        public void Publish(ReadOnlySpan<byte> payload, long reading)
        {
            while (!payload.IsEmpty)
            {
                Span<T> batch = buffer.AsSpan(0, Math.Min(buffer.Length, payload.Length / _codec.EventSize));
                payload = payload[Decode(payload, batch, ref _codec)..];
                clock.Set(_sequence, batch.Length, reading);
                Handler.OnBatch(batch, _sequence);
                _sequence += batch.Length;
            }
        }
    }
}
