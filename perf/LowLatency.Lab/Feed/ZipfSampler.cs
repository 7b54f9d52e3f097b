namespace LowLatency.Lab.Feed;

/// <summary>
/// Draws symbol indices with Zipf-like skew: rank k is drawn with weight 1/(k+1)^s, so a few symbols are
/// hot and most are quiet, as on a real exchange. Inverse-CDF by binary search over a table built once.
/// </summary>
internal sealed class ZipfSampler
{
    private readonly double[] _cdf;

    public ZipfSampler(int count, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _cdf = new double[count];
        double total = 0;
        for (int k = 0; k < count; k++)
        {
            total += 1.0 / Math.Pow(k + 1, exponent);
            _cdf[k] = total;
        }

        for (int k = 0; k < count; k++)
        {
            _cdf[k] /= total;
        }

        _cdf[count - 1] = 1.0;
    }

    /// <summary>Maps a uniform draw in [0, 1) to a symbol index.</summary>
    public int Sample(double uniform)
    {
        double[] cdf = _cdf;
        int lo = 0;
        int hi = cdf.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > uniform)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }
}
