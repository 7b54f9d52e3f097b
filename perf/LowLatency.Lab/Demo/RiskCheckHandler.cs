using LowLatency.Engine.Processing;
using LowLatency.Lab.Feed;

namespace LowLatency.Lab.Demo;

/// <summary>
/// Stage 3: a pre-trade style check on every valid tick, using what the window stage stamped on it:
/// price within a band around the symbol's last closed 1 s VWAP, and notional under a limit.
/// </summary>
internal struct RiskCheckHandler(DemoCounters counters, double priceBand, double notionalLimit) : IEventHandler<DemoTick>
{
    private long _priceBand;
    private long _notional;

    public void OnEvent(ref DemoTick data, long sequence, bool endOfBatch)
    {
        if (data.Status != TickStatus.Valid)
        {
            data.Verdict = RiskVerdict.None;
            return;
        }

        double reference = data.ReferenceVwap;
        if (reference > 0 && Math.Abs(data.Price - reference) > priceBand * reference)
        {
            data.Verdict = RiskVerdict.PriceBand;
            Volatile.Write(ref counters.PriceBandBreaches, ++_priceBand);
        }
        else if (data.Notional > notionalLimit)
        {
            data.Verdict = RiskVerdict.Notional;
            Volatile.Write(ref counters.NotionalBreaches, ++_notional);
        }
        else
        {
            data.Verdict = RiskVerdict.Pass;
        }
    }
}
