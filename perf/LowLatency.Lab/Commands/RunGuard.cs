using System.CommandLine;
using LowLatency.Engine.Processing;

namespace LowLatency.Lab.Commands;

/// <summary>Exit codes of the lab, and the failures it reports as one line instead of a stack trace.</summary>
internal static class RunGuard
{
    /// <summary>The run passed.</summary>
    public const int Passed = 0;

    /// <summary>An invariant failed (verifier, soak limit) or a feed's ticks were not all acknowledged.</summary>
    public const int InvariantFailed = 1;

    /// <summary>Invalid options, paths or combinations (the message names the option); nothing ran.</summary>
    public const int InvalidOptions = 2;

    /// <summary>A stage halted the pipeline.</summary>
    public const int PipelineHalted = 3;

    /// <summary>The peer could not be reached (connection refused, unreachable, connect timed out).</summary>
    public const int Unreachable = 4;

    /// <summary><c>demo --listen</c> received no event (no publisher came, or none was accepted): nothing was verified.</summary>
    public const int NothingToVerify = 5;

    /// <summary>
    /// Parses and runs: a parse error or a <see cref="UsageException"/> prints one line naming the option on
    /// <paramref name="error"/> and returns <see cref="InvalidOptions"/> (no help dump, no stack trace).
    /// </summary>
    public static int Invoke(RootCommand root, string[] args, TextWriter error)
    {
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Some parser messages list the valid values over several lines: one line, so scripts can read it.
            string message = string.Join(' ', parse.Errors[0].Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            error.WriteLine($"lowlatency: {message} (see --help)");
            return InvalidOptions;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = error });
        }
        catch (UsageException e)
        {
            error.WriteLine($"lowlatency: {e.Message}");
            return InvalidOptions;
        }
        catch (PipelineFaultedException e)
        {
            // DESIGN.md: a faulting stage halts the pipeline and is surfaced, never skipped: say which, and fail.
            error.WriteLine($"lowlatency: the pipeline halted: {e.Message}");
            return PipelineHalted;
        }
    }
}
