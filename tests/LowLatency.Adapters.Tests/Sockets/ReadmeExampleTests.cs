using NUnit.Framework;
using TradeFeed;

namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>
/// The sockets README's example is <c>ReadmeExample.cs</c>, compiled with this project and run here; the first
/// test extracts the README's block and requires it to be that file, character for character.
/// </summary>
public sealed class ReadmeExampleTests
{
    private static string Find(string relative)
    {
        for (DirectoryInfo? dir = new(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(relative + " not found above the test directory.");
    }

    /// <summary>The first ```csharp block after the "## Example" heading.</summary>
    private static string ExampleBlock(string readme)
    {
        string[] lines = File.ReadAllLines(readme);
        int heading = Array.IndexOf(lines, "## Example");
        Assert.That(heading, Is.GreaterThanOrEqualTo(0), "the README has an '## Example' heading");
        int open = Array.FindIndex(lines, heading, l => l == "```csharp");
        int close = Array.FindIndex(lines, open + 1, l => l == "```");
        return string.Join('\n', lines[(open + 1)..close]);
    }

    [Test]
    public void ReadmeExample_IsTheCompiledFile()
    {
        string printed = ExampleBlock(Find(Path.Combine("adapters", "LowLatency.Adapters.Sockets", "README.md")));
        string compiled = string.Join('\n', File.ReadAllLines(Find(Path.Combine("tests", "LowLatency.Adapters.Tests", "Sockets", "ReadmeExample.cs"))));
        Assert.That(printed, Is.EqualTo(compiled));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ReadmeExample_Runs_EveryTradeCounted(CancellationToken token)
    {
        Assert.That(await TradeFeedExample.RunAsync(token), Is.EqualTo(100_000));
    }
}
