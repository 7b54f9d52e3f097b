using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LowLatency.Adapters.Sockets;
using LowLatency.Lab.Reporting;
using LowLatency.Lab.Tcp;

namespace LowLatency.Lab.Commands;

/// <summary>
/// <c>lowlatency feed --connect HOST:PORT --rate R</c>: sends the synthetic tick feed over TCP to a
/// <see cref="TcpSource{T, TCodec}"/> (e.g. <c>lowlatency demo --listen HOST:PORT</c> in another process),
/// through a <see cref="TcpPublisher{T, TCodec}"/>: batched, optionally LZ4, resent after a reconnect.
/// </summary>
internal static class FeedCommand
{
    internal static Command Create()
    {
        var connect = new Option<string>("--connect") { Description = "HOST:PORT of the listening source.", Required = true };
        var rate = new Option<long>("--rate") { Description = "Ticks per second (0: as fast as the source accepts).", DefaultValueFactory = _ => 100_000 };
        var count = new Option<long>("--count") { Description = "Ticks to send, then wait for their acks and exit (0: until Ctrl+C).", DefaultValueFactory = _ => 0 };
        var instruments = new Option<int>("--instruments") { Description = "Instruments in the synthetic feed.", DefaultValueFactory = _ => 64 };
        var lz4 = new Option<bool>("--lz4") { Description = "Compress each batch with LZ4." };
        var token = new Option<string?>("--token") { Description = "Auth token the source expects." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the result (published, acked, reconnects) as JSON to this path." };
        var command = new Command("feed", "Send the synthetic tick feed over TCP (wire format v1, MarketTick schema) to a listening source.")
        {
            connect, rate, count, instruments, lz4, token,
        };
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            string address = parse.GetValue(connect)!;
            if (!TcpEndPoints.TryParseConnect(address, out EndPoint? endpoint))
            {
                throw new UsageException($"--connect must be HOST:PORT, got '{address}'.");
            }

            long ticksPerSecond = parse.GetValue(rate);
            long total = parse.GetValue(count);
            int instrumentCount = parse.GetValue(instruments);
            if (ticksPerSecond < 0)
            {
                throw new UsageException($"--rate must be ≥ 0 (0 = as fast as the source accepts), got {ticksPerSecond}.");
            }

            if (total < 0)
            {
                throw new UsageException($"--count must be ≥ 0 (0 = until Ctrl+C), got {total}.");
            }

            if (instrumentCount < 1)
            {
                throw new UsageException($"--instruments must be ≥ 1, got {instrumentCount}.");
            }

            string? path = parse.GetValue(json) is { } file ? OutputPaths.CheckFile("--json", file.FullName) : null;
            var options = TcpPublisherOptions.Default with
            {
                SchemaId = MarketTickCodec.SchemaId,
                Compression = parse.GetValue(lz4) ? FrameCompression.Lz4 : FrameCompression.None,
                AuthToken = Encoding.UTF8.GetBytes(parse.GetValue(token) ?? string.Empty),
                MaxUnackedEvents = 1 << 18,
            };
            using var ctrlC = new CtrlC();
            return Run(endpoint!, options, ticksPerSecond, total, instrumentCount, path, ctrlC.Token);
        });
        return command;
    }

    private static int Run(EndPoint endpoint, TcpPublisherOptions options, long rate, long total, int instruments, string? jsonPath, CancellationToken stop)
    {
        using var publisher = new TcpPublisher<MarketTick, MarketTickCodec>(endpoint, default, options);
        long start = Stopwatch.GetTimestamp();
        publisher.Start();
        if (AwaitFirstConnection(publisher, options.ConnectTimeout, stop) is { } refusal)
        {
            Console.Error.WriteLine($"lowlatency: feed: cannot connect to {endpoint}: {refusal} (is `lowlatency demo --listen {endpoint}` running?)");
            return RunGuard.Unreachable;
        }

        var ticks = new SyntheticTicks(instruments);
        long nextReport = start + Stopwatch.Frequency;
        long sent = 0;
        Console.Error.WriteLine($"feed → {endpoint}: session {publisher.SessionId:x16}, rate {(rate == 0 ? "max" : rate.ToString(CultureInfo.InvariantCulture))}/s, Ctrl+C to stop");
        while (!stop.IsCancellationRequested && (total == 0 || sent < total))
        {
            long now = Stopwatch.GetTimestamp();
            long due = rate == 0 ? sent + 1024 : (long)((now - start) * (double)rate / Stopwatch.Frequency);
            if (total > 0)
            {
                due = Math.Min(due, total);
            }

            if (due <= sent)
            {
                // Ahead of the pace: the next tick is due in under a millisecond at any useful rate.
                Thread.Sleep(1);
            }

            long nanos = (long)((now - start) * (1e9 / Stopwatch.Frequency));
            while (sent < due && !stop.IsCancellationRequested)
            {
                // Publish would wait while MaxUnackedEvents are in flight; TryPublish keeps Ctrl+C responsive.
                MarketTick tick = ticks.Next(nanos);
                while (!publisher.TryPublish(in tick) && !stop.IsCancellationRequested)
                {
                    Thread.Sleep(1);
                }

                sent++;
            }

            if (now >= nextReport)
            {
                Report(publisher, start);
                nextReport += Stopwatch.Frequency;
            }
        }

        // Interrupted: give the acks a moment, so the whole command still ends within 2 s of Ctrl+C.
        bool interrupted = stop.IsCancellationRequested;
        bool acked = true;
        string outcome = "every tick acked";
        try
        {
            publisher.WaitUntilAcked(interrupted ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is TimeoutException or ProtocolException)
        {
            // The message says how far it got and why (refused session, timeout, last connect error).
            acked = false;
            outcome = e.Message;
        }

        Report(publisher, start);
        Console.Error.WriteLine(outcome);
        if (jsonPath is not null)
        {
            ReportFiles.WriteJson(jsonPath, new FeedReport
            {
                Endpoint = endpoint.ToString()!,
                Session = publisher.SessionId.ToString("x16", CultureInfo.InvariantCulture),
                OfferedRate = rate,
                Published = publisher.Published,
                Acked = publisher.Acked,
                Reconnects = publisher.Reconnects,
                LastCloseReason = publisher.LastCloseReason.ToString(),
                AllAcked = acked,
                ElapsedSeconds = Math.Round(Stopwatch.GetElapsedTime(start).TotalSeconds, 3),
                Interrupted = interrupted,
            });
            Console.Error.WriteLine($"json: {jsonPath}");
        }

        return acked ? RunGuard.Passed : RunGuard.InvariantFailed;
    }

    /// <summary>
    /// Waits for the first connection; returns why it failed (refused, unreachable, timed out) or null once
    /// connected (or Ctrl+C). Bounded by the connect timeout plus a second for the handshake.
    /// </summary>
    private static string? AwaitFirstConnection(TcpPublisher<MarketTick, MarketTickCodec> publisher, TimeSpan connectTimeout, CancellationToken stop)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)((connectTimeout.TotalSeconds + 1) * Stopwatch.Frequency);
        while (!publisher.IsConnected && !stop.IsCancellationRequested)
        {
            SocketError error = publisher.LastConnectError;
            if (error != SocketError.Success)
            {
                return error switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.TimedOut => $"no answer within {connectTimeout.TotalSeconds:F0} s",
                    SocketError.HostUnreachable or SocketError.NetworkUnreachable => "unreachable",
                    _ => error.ToString(),
                };
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                return publisher.LastCloseReason != DisconnectReason.None
                    ? $"the source closed the handshake ({publisher.LastCloseReason})"
                    : $"no handshake within {connectTimeout.TotalSeconds + 1:F0} s";
            }

            Thread.Sleep(10);
        }

        return null;
    }

    private static void Report(TcpPublisher<MarketTick, MarketTickCodec> publisher, long start)
    {
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{seconds,7:F1} s  published {publisher.Published,12:N0}  acked {publisher.Acked,12:N0}  {publisher.Published / seconds,12:N0}/s  reconnects {publisher.Reconnects}  connected {publisher.IsConnected}{(publisher.LastCloseReason != DisconnectReason.None ? $"  last close: {publisher.LastCloseReason}" : string.Empty)}"));
    }
}
