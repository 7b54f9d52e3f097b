using System.Diagnostics;
using LowLatency.Testing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

/// <summary>
/// What the Ctrl+C tests rely on to say why they cannot pass: a child that inherited SIGINT as ignored (a test run
/// started as a background job of a shell without job control) is recognised from its /proc mask.
/// </summary>
public sealed class UnixSignalTests
{
    [Test]
    [CancelAfter(20_000)]
    public async Task Ignores_ChildThatIgnoresSigint_ReadsItFromProcButNotSigterm(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("trap '' INT; echo ready; exec sleep 30");
        using Process child = Process.Start(info)!;
        try
        {
            Assert.That(await child.StandardOutput.ReadLineAsync(cancellationToken), Is.EqualTo("ready"));
            Assert.Multiple(() =>
            {
                Assert.That(UnixSignal.Ignores(child.Id, UnixSignal.Interrupt), Is.True, "SIGINT ignored by the trap");
                Assert.That(UnixSignal.Ignores(child.Id, 15), Is.False, "SIGTERM left at its default");
            });
            Assert.That(() => LabLauncher.Interrupt(child), Throws.InvalidOperationException.With.Message.Contains("ignores SIGINT"));
        }
        finally
        {
            child.Kill();
            await child.WaitForExitAsync(CancellationToken.None);
        }
    }
}
