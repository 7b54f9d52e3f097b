using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using LowLatency.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace LowLatency.Hosting.Tests;

/// <summary>
/// Every C# block of every README (the repository's, the adapters', hosting's) compiled in memory exactly as
/// printed and run as a program: an example that no longer compiles or throws fails here, named by file and
/// line. A block fenced <c>```csharp fragment</c> is an excerpt (names defined elsewhere) and is skipped.
/// </summary>
public sealed partial class ReadmeExamplesTests
{
    /// <summary>Examples that need something a test cannot give them: compiled, not run.</summary>
    private static readonly Dictionary<string, string> s_compileOnly = new(StringComparer.Ordinal)
    {
        ["LowLatency.Adapters.Kafka"] = "needs a Kafka broker at args[0] and runs for 10 s",
    };

    private static readonly string s_root = RepositoryFolder.Path;

    public static IEnumerable<TestCaseData> Examples()
    {
        string[] readmes =
        [
            Path.Combine(s_root, "README.md"),
            .. Directory.GetFiles(Path.Combine(s_root, "adapters"), "README.md", SearchOption.AllDirectories),
            .. Directory.GetFiles(Path.Combine(s_root, "hosting"), "README.md", SearchOption.AllDirectories),
        ];
        foreach (string readme in readmes)
        {
            string relative = Path.GetRelativePath(s_root, readme);
            string text = File.ReadAllText(readme);
            foreach (Match block in CSharpBlock().Matches(text))
            {
                int line = text.AsSpan(0, block.Index).Count('\n') + 1;
                yield return new TestCaseData(relative, line, block.Groups["code"].Value).SetName($"ReadmeExample_CompilesAndRuns({relative}:{line})");
            }
        }
    }

    [TestCaseSource(nameof(Examples))]
    [CancelAfter(120_000)]
    public async Task ReadmeExample_CompilesAndRuns(string readme, int line, string code)
    {
        Assembly? program = Compile($"{Path.GetFileNameWithoutExtension(readme)}_{line}", code, $"{readme}:{line}");
        if (program is null)
        {
            Assert.Pass("compiled as a library: the block declares types and no program");
        }

        if (s_compileOnly.FirstOrDefault(c => code.Contains(c.Key, StringComparison.Ordinal)) is { Key: not null } skip)
        {
            Assert.Pass($"compiled; not run: {skip.Value}");
        }

        // The lab-report reader takes a report's path: give it a report the repository keeps.
        string[] args = code.Contains("args[0]", StringComparison.Ordinal)
            ? [Path.Combine(s_root, "docs", "figures", "latency-pipeline3-1M-yielding.json")]
            : [];
        (object? result, string output) = await Run(program, args);

        TestContext.Out.WriteLine(output);
        Assert.That(result is not int exit || exit == 0, Is.True, $"{readme}:{line} exited {result}\n{output}");
    }

    /// <summary>The compiled program, or null when the block is a complete library file with no entry point.</summary>
    private static Assembly? Compile(string name, string code, string where)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        SyntaxTree[] trees =
        [
            CSharpSyntaxTree.ParseText(code, parse, path: where),
            // What the SDK's ImplicitUsings gives a console project.
            CSharpSyntaxTree.ParseText(
                "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
                "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;", parse),
        ];
        var compilation = CSharpCompilation.Create(
            name,
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        ImmutableArray<Diagnostic> errors = [.. emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)];
        if (errors.Length > 0 && errors.All(e => e.Id == "CS5001"))
        {
            errors = [.. compilation.WithOptions(compilation.Options.WithOutputKind(OutputKind.DynamicallyLinkedLibrary)).Emit(Stream.Null).Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)];
            Assert.That(errors, Is.Empty, $"{where} does not compile as printed:\n{string.Join('\n', errors)}");
            return null;
        }

        Assert.That(errors, Is.Empty, $"{where} does not compile as printed:\n{string.Join('\n', errors)}");
        return Assembly.Load(image.ToArray());
    }

    private static async Task<(object? Result, string Output)> Run(Assembly program, string[] args)
    {
        MethodInfo entry = program.EntryPoint!;
        TextWriter console = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            object? result = entry.Invoke(null, entry.GetParameters().Length == 0 ? [] : [args]);
            switch (result)
            {
                case Task<int> exit:
                    return (await exit, output.ToString());
                case Task task:
                    await task;
                    return (null, output.ToString());
                default:
                    return (result, output.ToString());
            }
        }
        finally
        {
            Console.SetOut(console);
        }
    }

    /// <summary>The framework and every managed assembly beside this test (engine, adapters, hosting, Microsoft.Extensions.*).</summary>
    private static List<MetadataReference> References()
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator))
        {
            byName.TryAdd(Path.GetFileName(path), path);
        }

        foreach (string path in Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
        {
            try
            {
                AssemblyName.GetAssemblyName(path);
                byName.TryAdd(Path.GetFileName(path), path);
            }
            catch (BadImageFormatException)
            {
                // A native library (librdkafka, ...): nothing to reference.
            }
        }

        return [.. byName.Values.Select(p => MetadataReference.CreateFromFile(p))];
    }


    [GeneratedRegex(@"^```csharp[ \t]*\r?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
