using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace LowLatency.Engine.Time;

/// <summary>
/// Binds a window function's optional <see cref="IPunctuatedWatermark{TEvent}"/> once per type. A cast of the
/// struct to the interface would box a copy on every event; the open-instance delegate takes it by <c>ref</c>
/// instead, and stays null (a folded check) for functions without the capability.
/// </summary>
internal static class PunctuationHook<[DynamicallyAccessedMembers(PunctuationHook.Members)] TFunction, TEvent>
    where TFunction : struct
    where TEvent : struct
{
    public static readonly TryGetWatermarkHook<TFunction, TEvent>? TryGetWatermark = Bind();

    private static TryGetWatermarkHook<TFunction, TEvent>? Bind()
    {
        Type capability = typeof(IPunctuatedWatermark<TEvent>);
        if (!capability.IsAssignableFrom(typeof(TFunction)))
        {
            return null;
        }

        InterfaceMapping map = typeof(TFunction).GetInterfaceMap(capability);
        int index = Array.FindIndex(map.InterfaceMethods, m => m.Name == nameof(IPunctuatedWatermark<TEvent>.TryGetWatermark));
        return map.TargetMethods[index].CreateDelegate<TryGetWatermarkHook<TFunction, TEvent>>();
    }
}
