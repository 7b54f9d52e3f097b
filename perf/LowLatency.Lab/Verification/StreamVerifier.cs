using System.Runtime.CompilerServices;

namespace LowLatency.Lab.Verification;

/// <summary>
/// Checks a stream of (source, key, per-key sequence, checksum) against what the sources say they sent:
/// counts lost, duplicated, reordered and corrupted events exactly.
/// </summary>
/// <remarks>
/// <para>Per (source, key) it keeps the next expected sequence. The in-order case is one compare and one
/// store. A sequence ahead of the expected one opens a gap (its missing range is remembered); a sequence
/// behind it either fills a remembered gap (<b>reordered</b>: the per-key sequence went backwards) or was
/// already seen (<b>duplicated</b> = seen − distinct). At the end, <b>lost</b> = expected − distinct: the
/// gaps never filled plus whatever each key's source published past the last sequence seen.</para>
/// <para>Gaps live in a fixed pool (<see cref="GapCapacity"/> ranges) so a pathological stream cannot
/// make the verifier allocate; if the pool overflows the verdict is marked unverifiable, never "clean".
/// Single-threaded: one verifier per consuming thread.</para>
/// </remarks>
internal sealed class StreamVerifier
{
    /// <summary>Missing ranges remembered at once before the result becomes unverifiable.</summary>
    public const int GapCapacity = 4096;

    private readonly int _keys;
    private readonly long[] _next;

    // Open gaps: [low, high] missing for slot; a free entry has slot = -1.
    private readonly int[] _gapSlot = new int[GapCapacity];
    private readonly long[] _gapLow = new long[GapCapacity];
    private readonly long[] _gapHigh = new long[GapCapacity];
    private int _gapCount;

    private long _seen;
    private long _duplicated;
    private long _reordered;
    private long _corrupted;
    private long _gapOverflows;

    public StreamVerifier(int sources, int keys)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sources, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(keys, 1);
        _keys = keys;
        _next = new long[sources * keys];
    }

    public int Sources => _next.Length / _keys;

    public int Keys => _keys;

    /// <summary>Events observed, duplicates included.</summary>
    public long Seen => _seen;

    /// <summary>Observes one event. <paramref name="checksumOk"/> is the caller's recomputation of the payload checksum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Observe(int source, int key, long sequence, bool checksumOk)
    {
        _seen++;
        if (!checksumOk)
        {
            _corrupted++;
        }

        int slot = (source * _keys) + key;
        long expected = _next[slot];
        if (sequence == expected)
        {
            _next[slot] = expected + 1;
            return;
        }

        ObserveSlow(slot, sequence, expected);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ObserveSlow(int slot, long sequence, long expected)
    {
        if (sequence > expected)
        {
            AddGap(slot, expected, sequence - 1);
            _next[slot] = sequence + 1;
        }
        else if (TryFillGap(slot, sequence))
        {
            _reordered++;
        }
        else
        {
            _duplicated++;
        }
    }

    /// <summary>
    /// The verdict, given how many events each (source, key) published: index <c>source * keys + key</c>.
    /// Keys the verifier saw beyond what was published count as duplicated (they cannot be new).
    /// </summary>
    public VerifierResult Finish(ReadOnlySpan<long> publishedPerSlot)
    {
        if (publishedPerSlot.Length != _next.Length)
        {
            throw new ArgumentException($"Expected {_next.Length} per-key counts, got {publishedPerSlot.Length}.", nameof(publishedPerSlot));
        }

        long expected = 0;
        long lost = 0;
        long phantom = 0;
        for (int slot = 0; slot < _next.Length; slot++)
        {
            expected += publishedPerSlot[slot];
            long tail = publishedPerSlot[slot] - _next[slot];
            if (tail >= 0)
            {
                lost += tail;
            }
            else
            {
                phantom -= tail;
            }
        }

        for (int i = 0; i < _gapCount; i++)
        {
            if (_gapSlot[i] >= 0)
            {
                lost += _gapHigh[i] - _gapLow[i] + 1;
            }
        }

        return new VerifierResult(
            Expected: expected,
            Seen: _seen,
            Lost: lost,
            Duplicated: _duplicated + phantom,
            Reordered: _reordered,
            Corrupted: _corrupted,
            Verifiable: _gapOverflows == 0);
    }

    private void AddGap(int slot, long low, long high)
    {
        for (int i = 0; i < _gapCount; i++)
        {
            if (_gapSlot[i] < 0)
            {
                SetGap(i, slot, low, high);
                return;
            }
        }

        if (_gapCount == GapCapacity)
        {
            _gapOverflows++;
            return;
        }

        SetGap(_gapCount++, slot, low, high);
    }

    private bool TryFillGap(int slot, long sequence)
    {
        for (int i = 0; i < _gapCount; i++)
        {
            if (_gapSlot[i] != slot || sequence < _gapLow[i] || sequence > _gapHigh[i])
            {
                continue;
            }

            long low = _gapLow[i];
            long high = _gapHigh[i];
            if (low == high)
            {
                _gapSlot[i] = -1;
            }
            else if (sequence == low)
            {
                _gapLow[i] = low + 1;
            }
            else if (sequence == high)
            {
                _gapHigh[i] = high - 1;
            }
            else
            {
                _gapHigh[i] = sequence - 1;
                AddGap(slot, sequence + 1, high);
            }

            return true;
        }

        return false;
    }

    private void SetGap(int index, int slot, long low, long high)
    {
        _gapSlot[index] = slot;
        _gapLow[index] = low;
        _gapHigh[index] = high;
    }
}
