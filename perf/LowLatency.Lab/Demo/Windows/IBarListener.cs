namespace LowLatency.Lab.Demo.Windows;

/// <summary>Sees every 1 s bar as the window stage emits it (window stage thread).</summary>
internal interface IBarListener
{
    void OnBar(int symbol, long start, long end, in BarAccumulator bar);
}
