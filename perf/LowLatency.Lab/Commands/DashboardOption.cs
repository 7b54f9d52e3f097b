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

    /// <summary>The spec with the dashboard's endpoint when the option is present; throws <see cref="UsageException"/> when it is invalid.</summary>
    public static RunSpec Apply(ParseResult parse, Option<string?> option, RunSpec spec)
    {
        if (parse.GetResult(option) is null)
        {
            return spec;
        }

        string address = parse.GetValue(option) ?? DefaultAddress;
        if (!TcpEndPoints.TryParseListen(address, out IPEndPoint? endpoint))
        {
            throw new UsageException($"--dashboard must be IP:PORT, localhost:PORT or *:PORT, got '{address}'.");
        }

        return spec with { Dashboard = endpoint };
    }
}
