namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>
/// The one fixture alive at a time: a scenario asks for its kind, and a different kind disposes the previous one
/// first, so a thousand idle connections never sit under another scenario. The WebSocket scenarios run last.
/// </summary>
internal static class FanOutFixtures
{
    private static string? s_kind;
    private static IFanOutFixture? s_current;

    public static IFanOutFixture Get(string kind, Func<Task<IFanOutFixture>> create)
    {
        if (s_kind != kind)
        {
            s_current?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            s_current = null;
            s_kind = null;
            s_current = create().GetAwaiter().GetResult();
            s_kind = kind;
        }

        return s_current!;
    }
}
