using System.Diagnostics.CodeAnalysis;
using LowLatency.Engine;

namespace LowLatency.Adapters.Sockets;

/// <summary>Outlined throws, so hot paths stay small and inlinable.</summary>
internal static class SocketsThrowHelper
{
    [DoesNotReturn]
    public static void ThrowOption(string option, object? value, string rule) =>
        throw new ArgumentException($"Invalid option {option} = {value}: {rule}", option);

    [DoesNotReturn]
    public static void ThrowProtocol(DisconnectReason reason) => throw new ProtocolException(reason);

    [DoesNotReturn]
    public static void ThrowInvalidOperation(string message) => throw new InvalidOperationException(message);

    [DoesNotReturn]
    public static void ThrowClosed() => throw new PipelineClosedException();
}
