using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using LowLatency.Adapters.Kafka;
using LowLatency.Adapters.Sockets;
using LowLatency.Engine.Pipelines;
using LowLatency.Testing;
using NUnit.Framework;

namespace LowLatency.Hosting.Tests;

/// <summary>
/// The public API of the shipped assemblies, dumped by reflection and compared with the files checked in
/// under <c>tests/LowLatency.Hosting.Tests/PublicApi/</c>, so every change to it is deliberate and shows in
/// review. After an intended change, regenerate them:
/// <c>UPDATE_PUBLIC_API=1 dotnet test tests/LowLatency.Hosting.Tests -c Release --filter PublicApi</c>.
/// </summary>
public sealed class PublicApiTests
{
    private const string UpdateVariable = "UPDATE_PUBLIC_API";

    private static readonly Assembly[] s_shipped =
    [
        typeof(PipelineOptions).Assembly,
        typeof(TcpSourceOptions).Assembly,
        typeof(KafkaSourceOptions).Assembly,
        typeof(Adapters.WebSockets.CloseReason).Assembly,
        typeof(LowLatencyServiceCollectionExtensions).Assembly,
    ];

    [TestCaseSource(nameof(Assemblies))]
    public void PublicApi_MatchesTheCheckedInFile(string assemblyName)
    {
        Assembly assembly = s_shipped.Single(a => a.GetName().Name == assemblyName);
        string actual = Dump(assembly);
        string file = Path.Combine(RepositoryFolder.Path, "tests", "LowLatency.Hosting.Tests", "PublicApi", assemblyName + ".txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, actual);
        }

        Assert.That(File.Exists(file), Is.True, $"{file} is missing; run: {UpdateVariable}=1 dotnet test tests/LowLatency.Hosting.Tests -c Release --filter PublicApi");
        string[] expected = File.ReadAllLines(file);
        string[] now = actual.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(now, Is.EqualTo(expected),
            $"The public API of {assemblyName} changed. Added: {string.Join("; ", now.Except(expected).Take(20))}. Removed: {string.Join("; ", expected.Except(now).Take(20))}. " +
            $"If intended, regenerate: {UpdateVariable}=1 dotnet test tests/LowLatency.Hosting.Tests -c Release --filter PublicApi");
    }

    public static IEnumerable<string> Assemblies() => s_shipped.Select(a => a.GetName().Name!);

    /// <summary>One line per public or protected member, sorted: stable across builds and easy to diff.</summary>
    internal static string Dump(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (Type type in assembly.GetExportedTypes())
        {
            string name = TypeName(type);
            lines.Add($"{Kind(type)} {name}{Bases(type)}");
            const BindingFlags members = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MemberInfo member in type.GetMembers(members))
            {
                if (Member(member) is { } text)
                {
                    lines.Add($"{name}: {text}");
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines) + "\n";
    }

    private static string Kind(Type type) =>
        type.IsEnum ? "enum"
        : type.IsInterface ? "interface"
        : type.IsValueType ? (type.IsDefined(typeof(IsReadOnlyAttribute)) ? "readonly struct" : "struct")
        : typeof(Delegate).IsAssignableFrom(type) ? "delegate"
        : type.IsAbstract && type.IsSealed ? "static class"
        : type.IsAbstract ? "abstract class"
        : type.IsSealed ? "sealed class"
        : "class";

    private static string Bases(Type type)
    {
        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) && !typeof(Delegate).IsAssignableFrom(type))
        {
            bases.Add(TypeName(b));
        }

        bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(TypeName).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? string.Empty : " : " + string.Join(", ", bases);
    }

    private static string? Member(MemberInfo member)
    {
        switch (member)
        {
            case ConstructorInfo c when Visible(c):
                return $"{Access(c)}{(c.IsStatic ? "static " : "")}.ctor({Parameters(c)})";
            case MethodInfo m when Visible(m) && !m.IsSpecialName:
                string generic = m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(TypeName)) + ">" : "";
                return $"{Access(m)}{(m.IsStatic ? "static " : m.IsAbstract ? "abstract " : m.IsVirtual && !m.IsFinal ? "virtual " : "")}{TypeName(m.ReturnType)} {m.Name}{generic}({Parameters(m)})";
            case PropertyInfo p:
                MethodInfo? get = p.GetMethod is { } g && Visible(g) ? g : null;
                MethodInfo? set = p.SetMethod is { } s && Visible(s) ? s : null;
                if (get is null && set is null)
                {
                    return null;
                }

                bool init = set?.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)) == true;
                string index = p.GetIndexParameters().Length > 0 ? "[" + Parameters(p.GetIndexParameters()) + "]" : "";
                return $"{Access(get ?? set!)}{((get ?? set!).IsStatic ? "static " : "")}{TypeName(p.PropertyType)} {p.Name}{index} {{ {(get is null ? "" : "get; ")}{(set is null ? "" : init ? "init; " : "set; ")}}}";
            case FieldInfo f when f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly:
                if (f.DeclaringType!.IsEnum)
                {
                    return f.IsStatic ? $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}" : null;
                }

                return $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{TypeName(f.FieldType)} {f.Name}{(f.IsLiteral ? " = " + f.GetRawConstantValue() : "")}";
            case EventInfo e when e.AddMethod is { } add && Visible(add):
                return $"event {TypeName(e.EventHandlerType!)} {e.Name}";
            case Type nested:
                return null; // nested public types are listed as types of their own
            default:
                return null;
        }
    }

    private static bool Visible(MethodBase m) => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly;

    private static string Access(MethodBase m) => m.IsPublic ? "" : "protected ";

    private static string Parameters(MethodBase m) => Parameters(m.GetParameters());

    private static string Parameters(ParameterInfo[] parameters) => string.Join(", ", parameters.Select(p =>
    {
        string modifier = p.IsOut ? "out " : p.ParameterType.IsByRef ? (p.IsIn ? "in " : "ref ") : p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : "";
        Type type = p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType;
        string optional = p.HasDefaultValue ? $" = {p.DefaultValue ?? "default"}" : "";
        return $"{modifier}{TypeName(type)} {p.Name}{optional}";
    }));

    private static string TypeName(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (type.IsByRef)
        {
            return "ref " + TypeName(type.GetElementType()!);
        }

        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        if (type.IsPointer)
        {
            return TypeName(type.GetElementType()!) + "*";
        }

        string name = type.IsNested ? TypeName(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name;
        if (!type.IsGenericType)
        {
            return name;
        }

        int tick = name.LastIndexOf('`');
        Type[] arguments = type.GetGenericArguments();
        if (type.IsNested)
        {
            arguments = arguments[type.DeclaringType!.GetGenericArguments().Length..];
        }

        return (tick >= 0 ? name[..tick] : name) + (arguments.Length > 0 ? "<" + string.Join(", ", arguments.Select(TypeName)) + ">" : "");
    }
}
