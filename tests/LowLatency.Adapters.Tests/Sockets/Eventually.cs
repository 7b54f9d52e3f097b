namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>Polls a condition another thread will make true, failing with a message after a deadline.</summary>
public static class Eventually
{
    public static async Task Until(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("Timed out waiting for: " + what);
            }

            await Task.Delay(2);
        }
    }
}
