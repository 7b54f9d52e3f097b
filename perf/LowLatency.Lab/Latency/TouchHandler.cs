using LowLatency.Engine.Processing;
using LowLatency.Lab.Feed;

namespace LowLatency.Lab.Latency;

/// <summary>
/// A minimal stage for the latency topologies: derives one field of the tick, so the stage does real
/// (tiny) work on the event's cache line. Each lane writes its own field: parallel stages of a diamond
/// never write the same bytes.
/// </summary>
internal struct TouchHandler(int lane) : IEventHandler<DemoTick>
{
    public readonly void OnEvent(ref DemoTick data, long sequence, bool endOfBatch)
    {
        switch (lane)
        {
            case 0:
                data.Price = data.PriceTicks / DemoTick.TicksPerUnit;
                break;
            case 1:
                data.Notional = data.PriceTicks * (double)data.Quantity;
                break;
            default:
                data.ReferenceVwap = data.PriceTicks;
                break;
        }
    }
}
