using System.Runtime.CompilerServices;
using LowLatency.Lab.Demo;

namespace LowLatency.Lab.Reporting;

/// <summary>
/// The live progress of a run: one line rewritten in place when stdout is a terminal, a plain line per
/// interval otherwise (logs, CI). Formats into a reused buffer, so the monitor does not feed the GC
/// during the steady state it is measuring.
/// </summary>
internal sealed class ProgressLine
{
    private readonly char[] _buffer = new char[160];
    private readonly bool _inPlace;
    private readonly TextWriter _out;
    private readonly double _durationSeconds;
    private int _lastLength;

    public ProgressLine(TextWriter output, bool inPlace, double durationSeconds)
    {
        _out = output;
        _inPlace = inPlace;
        _durationSeconds = durationSeconds;
    }

    public static bool StdoutIsTerminal => !Console.IsOutputRedirected;

    public void Update(IntervalSample s)
    {
        Span<char> line = _buffer;
        int n = 0;
        if (_inPlace)
        {
            line[n++] = '\r';
        }

        n += Write(line[n..], $"{s.ElapsedSeconds,5:F1}/{_durationSeconds:F0} s {(s.Warmup ? "warm-up" : "steady ")} | ");
        Units.TryRate(line[n..], s.EventsPerSecond, out int w);
        n += w;
        n += Write(line[n..], $" | lag {s.Lag,6} | p99 ");
        Units.TryNanoseconds(line[n..], s.P99, out w);
        n += w;
        n += Write(line[n..], $" | dropped {s.Dropped} | late {s.Late}");

        int visible = n;
        if (_inPlace)
        {
            // Blank what a longer previous line left behind.
            while (n < _lastLength && n < line.Length)
            {
                line[n++] = ' ';
            }

            _lastLength = visible;
            _out.Write(line[..n]);
        }
        else
        {
            _out.WriteLine(line[..n]);
        }

        _out.Flush();
    }

    /// <summary>Ends the in-place line.</summary>
    public void Complete()
    {
        if (_inPlace)
        {
            _out.WriteLine();
        }
    }

    private static int Write(Span<char> destination, [InterpolatedStringHandlerArgument(nameof(destination))] ref MemoryExtensions.TryWriteInterpolatedStringHandler handler) =>
        destination.TryWrite(ref handler, out int written) ? written : 0;
}
