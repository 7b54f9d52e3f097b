using LowLatency.Engine.Processing;

namespace LowLatency.Lab.Commands;

/// <summary>Exit codes of the run commands, and the one failure they report without a stack trace.</summary>
internal static class RunGuard
{
    /// <summary>Invalid options (the message names the option).</summary>
    public const int InvalidOptions = 2;

    /// <summary>A stage halted the pipeline.</summary>
    public const int PipelineHalted = 3;

    /// <summary><c>demo --listen</c> received no event (no publisher came, or none was accepted): nothing was verified.</summary>
    public const int NothingToVerify = 4;

    public static int Run(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (PipelineFaultedException e)
        {
            // DESIGN.md: a faulting stage halts the pipeline and is surfaced, never skipped: say which, and fail.
            Console.Error.WriteLine($"lowlatency: the pipeline halted: {e.Message}");
            return PipelineHalted;
        }
    }
}
