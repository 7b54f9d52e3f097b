using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using LowLatency.Lab.Demo;
using LowLatency.Lab.Tcp;

namespace LowLatency.Lab.Commands;

/// <summary><c>demo --dashboard [HOST:PORT]</c>: serve the live dashboard (page at <c>/</c>, WebSocket at <c>/ws</c>) while the demo runs.</summary>
internal static class DashboardOption
{
    public const string DefaultAddress = "127.0.0.1:8080";

    public static Option<string?> Create() => new("--dashboard")
    {
        Description = $"Serve a live dashboard while the demo runs: page at http://HOST:PORT/, WebSocket at /ws (default {DefaultAddress}; " +
            "*:PORT listens on every interface: opt-in exposure).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>Puts the endpoint into <paramref name="spec"/> when the option is present; false (message printed) when it is invalid.</summary>
    public static bool TryApply(ParseResult parse, Option<string?> option, ref RunSpec spec)
    {
        if (parse.GetResult(option) is null)
        {
            return true;
        }

        string address = parse.GetValue(option) ?? DefaultAddress;
        if (!TcpEndPoints.TryParseListen(address, out IPEndPoint? endpoint))
        {
            Console.Error.WriteLine($"lowlatency: --dashboard must be IP:PORT, localhost:PORT or *:PORT, got '{address}'.");
            return false;
        }

        spec = spec with { Dashboard = endpoint };
        return true;
    }
}
