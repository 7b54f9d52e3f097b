// Reflection over the engine's own metadata and IL: tests run untrimmed, so the trim analysis warnings do not apply.
#pragma warning disable IL2026, IL2070, IL2075

using System.Reflection;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Sequencing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Architecture;

/// <summary>
/// The engine's arrows run one way (DESIGN.md §1): Sequencing, Waiting and Integrity (with the ring and the root
/// types) ← Processing ← Pipelines ← Flow, Diagnostics, Time, Windowing, State, Journal. A type may refer
/// to engine types of its own layer or a lower one, never a higher one; checked over signatures and IL.
/// </summary>
public sealed class LayeringTests
{
    private const string Root = "LowLatency.Engine";

    /// <summary>Layer of each namespace: lower numbers sit lower. A namespace not listed fails the test until it is placed.</summary>
    private static readonly Dictionary<string, int> s_layers = new()
    {
        [Root] = 0,
        [$"{Root}.Sequencing"] = 0,
        [$"{Root}.Waiting"] = 0,
        [$"{Root}.Integrity"] = 0,
        [$"{Root}.Processing"] = 1,
        [$"{Root}.Pipelines"] = 2,
        [$"{Root}.Flow"] = 3,
        [$"{Root}.Diagnostics"] = 3,
        [$"{Root}.Time"] = 3,
        [$"{Root}.Windowing"] = 3,
        [$"{Root}.State"] = 3,
        [$"{Root}.Journal"] = 3,
    };

    private static Assembly Engine => typeof(RingBuffer<>).Assembly;

    [Test]
    public void EngineTypes_ReferToNoTypeOfAHigherLayer()
    {
        List<string> violations = [];
        foreach (Type type in Engine.GetTypes().Where(t => t.DeclaringType is null && IsLayered(t)))
        {
            int layer = LayerOf(type);
            foreach (Type referenced in type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic).Prepend(type).SelectMany(AllReferences).Select(TypeReferences.Outermost).Distinct())
            {
                if (IsLayered(referenced) && LayerOf(referenced) > layer)
                {
                    violations.Add($"{type.FullName} ({type.Namespace}) → {referenced.FullName} ({referenced.Namespace})");
                }
            }
        }

        Assert.That(violations.Distinct().Order(), Is.Empty, "references that point up the layers");
    }

    [Test]
    public void Scanner_SeesReferencesInSignaturesAndInMethodBodies()
    {
        // It can fail: these downward references exist, in a signature and only in a body respectively.
        HashSet<Type> pipeline = TypeReferences.Of(typeof(Pipeline<>));
        Assert.Multiple(() =>
        {
            Assert.That(pipeline, Does.Contain(typeof(StageGroup<>)), "a return type");
            Assert.That(pipeline.Select(TypeReferences.Outermost), Does.Contain(typeof(StageThread)), "constructed only inside Start's body");
            Assert.That(TypeReferences.Of(typeof(BodyOnly)), Does.Contain(typeof(SingleProducerSequencer)), "a type named only in an IL body");
        });
    }

    private static IEnumerable<Type> AllReferences(Type type) =>
        TypeReferences.Of(type).Concat(type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic).SelectMany(AllReferences));

    /// <summary>Engine types in an engine namespace (not compiler-emitted helpers such as &lt;PrivateImplementationDetails&gt;).</summary>
    private static bool IsLayered(Type type) =>
        type.Assembly == Engine && type.Namespace is { } ns && (ns == Root || ns.StartsWith(Root + ".", StringComparison.Ordinal));

    private static int LayerOf(Type type)
    {
        string ns = type.Namespace ?? string.Empty;
        Assert.That(s_layers.ContainsKey(ns), Is.True, $"namespace {ns} of {type.FullName} has no layer: place it in s_layers");
        return s_layers[ns];
    }

    private static class BodyOnly
    {
        public static object Make() => new SingleProducerSequencer(2, LowLatency.Engine.Waiting.YieldingWaitStrategy.Instance);
    }
}
