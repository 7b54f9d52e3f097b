using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>The vectors the tests use are the ones printed in the adapter's README, byte for byte.</summary>
[CancelAfter(10_000)]
public sealed class ReadmeVectorsTests
{
    private static string ReadmePath()
    {
        for (DirectoryInfo? dir = new(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "adapters", "LowLatency.Adapters.Sockets", "README.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("adapters/LowLatency.Adapters.Sockets/README.md not found above the test directory.");
    }

    /// <summary>The hex of the first fenced block after the line starting with <paramref name="label"/>.</summary>
    private static string BlockAfter(string[] lines, string label)
    {
        int i = Array.FindIndex(lines, l => l.StartsWith(label, StringComparison.Ordinal));
        Assert.That(i, Is.GreaterThanOrEqualTo(0), $"README has no line starting with '{label}'");
        int open = Array.FindIndex(lines, i, l => l.StartsWith("```", StringComparison.Ordinal));
        int close = Array.FindIndex(lines, open + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        return string.Join(' ', lines[(open + 1)..close].Select(l => l.Trim()));
    }

    [TestCase("Hello —", ReadmeVectors.Hello)]
    [TestCase("Welcome —", ReadmeVectors.Welcome)]
    [TestCase("Batch —", ReadmeVectors.Batch)]
    [TestCase("LZ4 batch —", ReadmeVectors.BatchLz4)]
    [TestCase("Ack —", ReadmeVectors.Ack)]
    [TestCase("Heartbeat:", ReadmeVectors.Heartbeat)]
    [TestCase("Close —", ReadmeVectors.Close)]
    [TestCase("Close in version 1 —", ReadmeVectors.CloseV1)]
    public void Vector_InReadme_IsTheOneTheTestsUse(string label, string vector)
    {
        string[] lines = File.ReadAllLines(ReadmePath());
        Assert.That(BlockAfter(lines, label), Is.EqualTo(vector));
    }
}
