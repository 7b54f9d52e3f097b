namespace LowLatency.Lab.Demo.Windows;

/// <summary>
/// What the demo keeps of its window results: each symbol's last closed VWAP and 5 s volume (stamped on
/// later ticks for the risk stage) and a few samples for the report. Window stage thread only; read by
/// others after the pipeline stopped.
/// </summary>
internal sealed class WindowResultLog
{
    public const string TumblingKind = "tumbling-1s";
    public const string HoppingKind = "hopping-5s/1s";
    private const int SampleSymbols = 3;

    private readonly double[] _lastVwap;
    private readonly long[] _lastVolume;
    private readonly WindowResult[] _samples = new WindowResult[SampleSymbols + 1];

    public WindowResultLog(int symbols)
    {
        _lastVwap = new double[symbols];
        _lastVolume = new long[symbols];
    }

    /// <summary>
    /// True once the stream is draining: end-of-stream results are counted but not sampled (they are
    /// windows cut short by the end of the run, not representative ones).
    /// </summary>
    public bool Draining { get; set; }

    /// <summary>The last bars of the three hottest symbols and the last 5 s volume of the hottest, before the drain.</summary>
    public ReadOnlySpan<WindowResult> Samples => _samples;

    /// <summary>Also given every bar (the dashboard); set before the pipeline starts.</summary>
    public IBarListener? Listener { get; set; }

    public double LastVwap(int symbol) => _lastVwap[symbol];

    public long LastVolume(int symbol) => _lastVolume[symbol];

    public void OnBar(int symbol, long start, long end, in BarAccumulator bar)
    {
        double vwap = bar.Vwap.Vwap;
        _lastVwap[symbol] = vwap;
        Listener?.OnBar(symbol, start, end, in bar);
        if (symbol < SampleSymbols && !Draining)
        {
            _samples[symbol] = new WindowResult(symbol, start, end, bar.Ohlc.Open, bar.Ohlc.High, bar.Ohlc.Low, bar.Ohlc.Close, vwap, (long)bar.Vwap.Volume, bar.Ohlc.Count, TumblingKind);
        }
    }

    public void OnVolume(int symbol, long start, long end, double volume)
    {
        _lastVolume[symbol] = (long)volume;
        if (symbol == 0 && !Draining)
        {
            _samples[SampleSymbols] = new WindowResult(symbol, start, end, 0, 0, 0, 0, 0, (long)volume, 0, HoppingKind);
        }
    }
}
