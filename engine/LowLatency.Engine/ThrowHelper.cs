using System.Diagnostics.CodeAnalysis;

namespace LowLatency.Engine;

/// <summary>Outlined throws, so hot paths stay small and inlinable.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowClosed(Exception? fault) =>
        throw (fault is null
            ? new PipelineClosedException()
            : new PipelineClosedException("The pipeline was halted by a fault and accepts no more events.", fault));

    [DoesNotReturn]
    public static void ThrowClaimSize(int n, int capacity) =>
        throw new ArgumentOutOfRangeException(nameof(n), n, $"A claim must be between 1 and the ring capacity ({capacity}).");

    [DoesNotReturn]
    public static void ThrowOption(string option, object? value, string rule) =>
        throw new ArgumentException($"Invalid option {option} = {value}: {rule}", option);

    [DoesNotReturn]
    public static void ThrowInvalidOperation(string message) => throw new InvalidOperationException(message);
}
