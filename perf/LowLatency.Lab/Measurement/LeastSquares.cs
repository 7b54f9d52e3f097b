namespace LowLatency.Lab.Measurement;

/// <summary>Ordinary least-squares line through (x, y) points.</summary>
internal static class LeastSquares
{
    /// <summary>The slope dy/dx of the best-fit line; 0 for fewer than two distinct x.</summary>
    public static double Slope(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException("x and y differ in length.", nameof(y));
        }

        int n = x.Length;
        if (n < 2)
        {
            return 0;
        }

        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++)
        {
            meanX += x[i];
            meanY += y[i];
        }

        meanX /= n;
        meanY /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - meanX;
            sxy += dx * (y[i] - meanY);
            sxx += dx * dx;
        }

        return sxx == 0 ? 0 : sxy / sxx;
    }
}
