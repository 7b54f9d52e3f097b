using System.Diagnostics.CodeAnalysis;

namespace LowLatency.Adapters.Kafka;

/// <summary>Outlined option checks: the message names the option, the value and the rule.</summary>
internal static class KafkaOptionGuard
{
    [DoesNotReturn]
    public static void ThrowOption(string option, object? value, string rule) =>
        throw new ArgumentException($"Invalid option {option} = {value}: {rule}", option);
}
