namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>Polls a condition another thread will make true, failing with a message after a deadline.</summary>
public static class Eventually
{
    public static async Task Until(Func<bool> condition, string what, int timeoutMs = 10_000, Func<string>? describe = null)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("Timed out waiting for: " + what + (describe is null ? "" : " (" + describe() + ")"));
            }

            await Task.Delay(2);
        }
    }
}
