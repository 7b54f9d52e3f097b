using System.CommandLine;
using System.Net.WebSockets;
using System.Text;
using LowLatency.Lab.Bench.WebSockets;

namespace LowLatency.Lab.Commands;

/// <summary>
/// <c>lowlatency fanout-clients</c> (hidden): the bench's WebSocket clients in a process of their own, so the
/// clients' CPU and heap are not counted as the server's. Connects N clients subscribed to <c>bars</c>, of which S
/// never read; prints <c>connected N</c>, then reads (and discards) until stdin closes or it is killed.
/// </summary>
internal static class FanOutClientsCommand
{
    internal static Command Create()
    {
        var uri = new Option<string>("--uri") { Description = "The hub's WebSocket URI.", Required = true };
        var clients = new Option<int>("--clients") { Description = "Clients to connect.", DefaultValueFactory = _ => 1000 };
        var stalled = new Option<int>("--stalled") { Description = "Of them, clients that never read.", DefaultValueFactory = _ => 0 };
        var command = new Command("fanout-clients", "Connect WebSocket clients to a hub for the fan-out bench (used by `bench` as a child process).")
        {
            uri, clients, stalled,
        };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            int count = parse.GetValue(clients);
            int silent = parse.GetValue(stalled);
            if (count < 1 || silent < 0 || silent > count)
            {
                throw new UsageException($"--clients {count} must be ≥ 1 and --stalled {silent} in [0, clients].");
            }

            if (!Uri.TryCreate(parse.GetRequiredValue(uri), UriKind.Absolute, out Uri? target) || target.Scheme is not ("ws" or "wss"))
            {
                throw new UsageException($"--uri '{parse.GetRequiredValue(uri)}' must be an absolute ws:// or wss:// URI.");
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sockets = new List<ClientWebSocket>();
            var readers = new List<Task>();
            byte[] subscribe = Encoding.UTF8.GetBytes("""{"op":"subscribe","topic":"bars"}""");
            using var invoker = new HttpMessageInvoker(LoopbackSockets.Handler());
            for (int i = 0; i < count; i += 50)
            {
                ClientWebSocket[] connected = await Task.WhenAll(Enumerable.Range(0, Math.Min(50, count - i)).Select(async _ =>
                {
                    var client = new ClientWebSocket();
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await client.ConnectAsync(target, invoker, timeout.Token);
                    await client.SendAsync(subscribe, WebSocketMessageType.Text, true, timeout.Token);
                    return client;
                }));
                foreach (ClientWebSocket client in connected)
                {
                    if (sockets.Count >= silent)
                    {
                        readers.Add(Task.Run(() => DiscardAsync(client, stop.Token), CancellationToken.None));
                    }

                    sockets.Add(client);
                }
            }

            Console.WriteLine($"connected {sockets.Count}");

            // The parent closes stdin (or dies) to end the run.
            await Task.Run(() => Console.In.ReadToEnd(), CancellationToken.None);
            await stop.CancelAsync();
            foreach (ClientWebSocket client in sockets)
            {
                client.Abort();
                client.Dispose();
            }

            await Task.WhenAll(readers);
            return 0;
        });
        return command;
    }

    private static async Task DiscardAsync(ClientWebSocket client, CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while ((await client.ReceiveAsync(buffer.AsMemory(), cancel)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }
}
