using System.CommandLine;
using LowLatency.Lab.Commands;

namespace LowLatency.Lab;

/// <summary>The <c>lowlatency</c> lab CLI.</summary>
internal static class Program
{
    public static int Main(string[] args) => RunGuard.Invoke(CreateRoot(), args, Console.Error);

    /// <summary>The command tree (also read by the test that compares <c>--help</c> with the README).</summary>
    internal static RootCommand CreateRoot()
    {
        var root = new RootCommand(
            "LowLatency lab: run the engine, measure it, soak it. With no command it runs `demo` on its embedded " +
            "defaults (a synthetic market-data pipeline, live progress, a verified report).");

        // The default action is the demo, with the demo's options.
        DemoCommand.Configure(root);
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(LatencyCommand.Create());
        root.Subcommands.Add(SoakCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(PingPongCommand.Create());
        root.Subcommands.Add(FeedCommand.Create());
        root.Subcommands.Add(KafkaWorkerCommand.Create());
        root.Subcommands.Add(FanOutClientsCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(JournalCommand.Create());
        return root;
    }
}
