using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using LowLatency.Lab;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

/// <summary>
/// The README's lab tables list the same commands, options and defaults as the command tree <c>--help</c>
/// prints: adding an option without documenting it (or the reverse) fails here, naming the row.
/// </summary>
public sealed class LabHelpReadmeTests
{
    private const string OptionsHeader = "| command | option | default |";
    private const string CommandsHeader = "| command | what it does | defaults |";

    [Test]
    public void ReadmeOptionTable_ListsEveryOptionOfEveryCommandWithItsDefault()
    {
        RootCommand root = Program.CreateRoot();
        var readme = ReadmeRows(OptionsHeader).ToDictionary(r => (r[0], r[1].Split(',')[0].Trim()), r => (Aliases: r[1], Default: r[2]));

        var expected = new List<(string Command, string Option)>();
        foreach ((string path, Command command) in VisibleCommands(root))
        {
            foreach (Option option in command.Options)
            {
                if (option is HelpOption)
                {
                    continue;
                }

                expected.Add((path, option.Name));
                Assert.That(readme.TryGetValue((path, option.Name), out var row), Is.True, $"README option table lacks `{path}` `{option.Name}`");
                Assert.That(Aliases(row.Aliases), Is.EquivalentTo(option.Aliases.Append(option.Name)), $"aliases of {path} {option.Name}");
                AssertDefault(path, option, row.Default);
            }
        }

        Assert.That(readme.Keys, Is.EquivalentTo(expected), "README rows for options the CLI does not have");
    }

    [Test]
    public void ReadmeCommandTable_ListsEveryVisibleCommand()
    {
        // "replay DIR" documents the command `replay`; "demo --listen HOST:PORT" is a mode of `demo`.
        string[] documented = [.. ReadmeRows(CommandsHeader).Select(r => r[0]).Where(c => !c.Contains("--", StringComparison.Ordinal) && c != "*(none)* / demo")
            .Select(c => string.Join(' ', c.Split(' ').Where(word => word != "DIR")))];

        Assert.That(documented.Append("demo").Distinct(), Is.EquivalentTo(VisibleCommands(Program.CreateRoot()).Where(c => c.Command.Options.Any(o => o is not HelpOption) || c.Command.Subcommands.Count == 0).Select(c => c.Path)));
    }

    [Test]
    public void RootCommand_TakesTheDemoOptions()
    {
        RootCommand root = Program.CreateRoot();
        Command demo = root.Subcommands.Single(c => c.Name == "demo");

        Assert.That(root.Options.Where(o => o is not HelpOption and not VersionOption).Select(o => o.Name), Is.EqualTo(demo.Options.Where(o => o is not HelpOption).Select(o => o.Name)));
    }

    /// <summary>Every visible command below the root, with its path (<c>journal inspect</c>).</summary>
    private static IEnumerable<(string Path, Command Command)> VisibleCommands(Command parent, string prefix = "")
    {
        foreach (Command command in parent.Subcommands.Where(c => !c.Hidden))
        {
            string path = prefix + command.Name;
            yield return (path, command);
            foreach ((string, Command) child in VisibleCommands(command, path + " "))
            {
                yield return child;
            }
        }
    }

    private static void AssertDefault(string command, Option option, string documented)
    {
        string where = $"README default of `{command}` `{option.Name}`";
        if (option.HasDefaultValue && option.GetDefaultValue() is false)
        {
            Assert.That(documented, Is.EqualTo("—"), where + " (a flag, off unless given)");
        }
        else if (option.HasDefaultValue)
        {
            string value = Convert.ToString(option.GetDefaultValue(), CultureInfo.InvariantCulture)!;
            Assert.That(documented, Is.EqualTo(value), where);
        }
        else if (option.Required)
        {
            Assert.That(documented, Is.EqualTo("required"), where);
        }
        else if (!documented.StartsWith('—'))
        {
            // A default that depends on the machine or the run (wait strategy, warm-up): the README says what
            // the option's own description says.
            Assert.That(option.Description, Does.Contain("Default: " + documented), where);
        }
    }

    private static IEnumerable<string> Aliases(string cell) => cell.Split(',').Select(a => a.Trim());

    /// <summary>The rows of the README table whose header is <paramref name="header"/>, cells without backticks.</summary>
    private static IEnumerable<string[]> ReadmeRows(string header)
    {
        string[] lines = File.ReadAllLines(ReadmeFile.Path);
        int start = Array.IndexOf(lines, header);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"README has no table '{header}'");
        for (int i = start + 2; i < lines.Length && lines[i].StartsWith('|'); i++)
        {
            yield return [.. lines[i].Trim('|').Split('|').Select(c => c.Replace("`", string.Empty, StringComparison.Ordinal).Trim())];
        }
    }
}
