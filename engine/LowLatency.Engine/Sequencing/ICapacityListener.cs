namespace LowLatency.Engine.Sequencing;

/// <summary>What waits for a ring's capacity (the flow-control layer): told when consumers advance and when the ring closes.</summary>
internal interface ICapacityListener
{
    /// <summary>A consumer advanced while someone waits (called on a consumer thread).</summary>
    void OnProgress();

    /// <summary>The ring closed: release every wait.</summary>
    void OnClosed();
}
