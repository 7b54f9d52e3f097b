using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using LowLatency.Adapters.Sockets;
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
        var command = new Command("feed", "Send the synthetic tick feed over TCP (wire format v1, MarketTick schema) to a listening source.")
        {
            connect, rate, count, instruments, lz4, token,
        };
        command.SetAction(parse =>
        {
            if (!TcpEndPoints.TryParseConnect(parse.GetValue(connect)!, out EndPoint? endpoint))
            {
                Console.Error.WriteLine("--connect must be HOST:PORT");
                return 2;
            }

            long ticksPerSecond = parse.GetValue(rate);
            long total = parse.GetValue(count);
            int instrumentCount = parse.GetValue(instruments);
            if (ticksPerSecond < 0 || total < 0 || instrumentCount < 1)
            {
                Console.Error.WriteLine("--rate and --count must be ≥ 0, --instruments ≥ 1");
                return 2;
            }

            var options = TcpPublisherOptions.Default with
            {
                SchemaId = MarketTickCodec.SchemaId,
                Compression = parse.GetValue(lz4) ? FrameCompression.Lz4 : FrameCompression.None,
                AuthToken = Encoding.UTF8.GetBytes(parse.GetValue(token) ?? string.Empty),
                MaxUnackedEvents = 1 << 18,
            };
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            return Run(endpoint!, options, ticksPerSecond, total, instrumentCount, stop.Token);
        });
        return command;
    }

    private static int Run(EndPoint endpoint, TcpPublisherOptions options, long rate, long total, int instruments, CancellationToken stop)
    {
        using var publisher = new TcpPublisher<MarketTick, MarketTickCodec>(endpoint, default, options);
        publisher.Start();
        var ticks = new SyntheticTicks(instruments);
        long start = Stopwatch.GetTimestamp();
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
            while (sent < due)
            {
                publisher.Publish(ticks.Next(nanos));
                sent++;
            }

            if (now >= nextReport)
            {
                Report(publisher, start);
                nextReport += Stopwatch.Frequency;
            }
        }

        try
        {
            publisher.WaitUntilAcked(TimeSpan.FromSeconds(10));
            Report(publisher, start);
            Console.Error.WriteLine("every tick acked");
            return 0;
        }
        catch (Exception e) when (e is TimeoutException or ProtocolException)
        {
            Report(publisher, start);
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    private static void Report(TcpPublisher<MarketTick, MarketTickCodec> publisher, long start)
    {
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{seconds,7:F1} s  published {publisher.Published,12:N0}  acked {publisher.Acked,12:N0}  {publisher.Published / seconds,12:N0}/s  reconnects {publisher.Reconnects}  connected {publisher.IsConnected}{(publisher.LastCloseReason != DisconnectReason.None ? $"  last close: {publisher.LastCloseReason}" : string.Empty)}"));
    }
}
