using System.CommandLine;
using LowLatency.Lab.Commands;

var root = new RootCommand(
    "lowlatency: the LowLatency engine's lab. With no command it runs `demo` on embedded defaults " +
    "(a synthetic market-data pipeline, live progress, a verified report).");

// The default action is the demo, with the demo's options.
DemoCommand.Configure(root);
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(LatencyCommand.Create());
root.Subcommands.Add(SoakCommand.Create());

return root.Parse(args).Invoke();
