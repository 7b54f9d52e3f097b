using System.CommandLine;
using LowLatency.Lab.Commands;

namespace LowLatency.Lab;

/// <summary>The <c>lowlatency</c> lab CLI.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("LowLatency lab: run the engine, measure it, soak it.");
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(PingPongCommand.Create());
        root.Subcommands.Add(FeedCommand.Create());
        root.Subcommands.Add(KafkaWorkerCommand.Create());
        return root.Parse(args).Invoke();
    }
}
