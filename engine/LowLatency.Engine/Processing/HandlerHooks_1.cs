using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace LowLatency.Engine.Processing;

/// <summary>What a trimmer must keep of a handler type so its optional capabilities can be bound.</summary>
internal static class HandlerCapabilities
{
    public const DynamicallyAccessedMemberTypes Members =
        DynamicallyAccessedMemberTypes.Interfaces | DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;
}

internal delegate void RefAction<THandler>(ref THandler handler);

internal delegate void RefAction<THandler, TArg>(ref THandler handler, TArg arg);

internal delegate void RefAction<THandler, TArg1, TArg2>(ref THandler handler, TArg1 arg1, TArg2 arg2);

/// <summary>
/// The optional capabilities of a struct handler, detected once per handler type.
/// </summary>
/// <remarks>
/// Calling an interface method on a struct through a cast would box a copy (losing its mutations);
/// instead each hook is an open-instance delegate bound to the struct's own method, taking the handler
/// by <c>ref</c>. Hooks run per batch or per lifecycle event, never per event; a handler without the
/// capability leaves the field null, and the JIT folds the null check of a static readonly field.
/// </remarks>
internal static class HandlerHooks<[DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandler>
    where THandler : struct
{
    public static readonly RefAction<THandler, long, long>? OnBatchStart = Bind<RefAction<THandler, long, long>>(typeof(IBatchAware), nameof(IBatchAware.OnBatchStart));
    public static readonly RefAction<THandler, long>? OnBatchEnd = Bind<RefAction<THandler, long>>(typeof(IBatchAware), nameof(IBatchAware.OnBatchEnd));
    public static readonly RefAction<THandler, long>? OnTimeout = Bind<RefAction<THandler, long>>(typeof(ITimeoutAware), nameof(ITimeoutAware.OnTimeout));
    public static readonly RefAction<THandler>? OnStart = Bind<RefAction<THandler>>(typeof(ILifecycleAware), nameof(ILifecycleAware.OnStart));
    public static readonly RefAction<THandler, ShutdownReason>? OnShutdown = Bind<RefAction<THandler, ShutdownReason>>(typeof(ILifecycleAware), nameof(ILifecycleAware.OnShutdown));

    private static TDelegate? Bind<TDelegate>([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods)] Type capability, string method)
        where TDelegate : Delegate
    {
        if (!capability.IsAssignableFrom(typeof(THandler)))
        {
            return null;
        }

        InterfaceMapping map = typeof(THandler).GetInterfaceMap(capability);
        MethodInfo declared = capability.GetMethod(method)!;
        int index = Array.IndexOf(map.InterfaceMethods, declared);
        return map.TargetMethods[index].CreateDelegate<TDelegate>();
    }
}
