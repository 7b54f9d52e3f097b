namespace LowLatency.Engine.Waiting;

/// <summary>The portable parker: a monitor and a generation guarded by it.</summary>
internal sealed class MonitorParker : Parker
{
    private readonly object _gate = new();

    // Written under _gate by WakeAll; read under _gate by Wait and with acquire by Generation.
    private int _generation;

    public override int Generation => Volatile.Read(ref _generation);

    public override void Wait(int generation, int timeoutMilliseconds)
    {
        lock (_gate)
        {
            if (_generation == generation)
            {
                Monitor.Wait(_gate, timeoutMilliseconds);
            }
        }
    }

    public override void WakeAll()
    {
        lock (_gate)
        {
            _generation++;
            Monitor.PulseAll(_gate);
        }
    }
}
