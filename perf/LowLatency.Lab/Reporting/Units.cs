namespace LowLatency.Lab.Reporting;

/// <summary>Human units for the console. The span overloads format without allocating (progress line).</summary>
internal static class Units
{
    public static string Nanoseconds(double ns)
    {
        Span<char> buffer = stackalloc char[32];
        return TryNanoseconds(buffer, ns, out int written) ? new string(buffer[..written]) : ns.ToString("F0");
    }

    public static bool TryNanoseconds(Span<char> destination, double ns, out int written) => ns switch
    {
        < 1_000 => destination.TryWrite($"{ns:F0} ns", out written),
        < 1_000_000 => destination.TryWrite($"{ns / 1e3:F1} µs", out written),
        < 1_000_000_000 => destination.TryWrite($"{ns / 1e6:F2} ms", out written),
        _ => destination.TryWrite($"{ns / 1e9:F2} s", out written),
    };

    public static string Bytes(double bytes) => Math.Abs(bytes) switch
    {
        < 1024 => $"{bytes:F0} B",
        < 1024 * 1024 => $"{bytes / 1024:F1} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024 * 1024):F1} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):F2} GiB",
    };

    public static string Rate(double perSecond) => perSecond switch
    {
        >= 1e6 => $"{perSecond / 1e6:F2} M/s",
        >= 1e3 => $"{perSecond / 1e3:F1} k/s",
        _ => $"{perSecond:F0} /s",
    };

    public static bool TryRate(Span<char> destination, double perSecond, out int written) => perSecond switch
    {
        >= 1e6 => destination.TryWrite($"{perSecond / 1e6:F2} M/s", out written),
        >= 1e3 => destination.TryWrite($"{perSecond / 1e3:F1} k/s", out written),
        _ => destination.TryWrite($"{perSecond:F0} /s", out written),
    };
}
