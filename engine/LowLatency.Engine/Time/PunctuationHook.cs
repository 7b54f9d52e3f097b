using System.Diagnostics.CodeAnalysis;

namespace LowLatency.Engine.Time;

/// <summary>What a trimmer must keep of a window function type so its optional punctuation can be bound.</summary>
internal static class PunctuationHook
{
    /// <summary>Interfaces and methods: the interface map of the function type is read once.</summary>
    public const DynamicallyAccessedMemberTypes Members =
        DynamicallyAccessedMemberTypes.Interfaces | DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;
}
