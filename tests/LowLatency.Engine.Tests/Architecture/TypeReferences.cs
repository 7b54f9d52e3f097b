// Reflection over the engine's own metadata and IL: tests run untrimmed, so the trim analysis warnings do not apply.
#pragma warning disable IL2026, IL2070, IL2075

using System.Reflection;
using System.Reflection.Emit;

namespace LowLatency.Engine.Tests.Architecture;

/// <summary>
/// Every type a type refers to: its base and interfaces, the types of its fields, properties, events and
/// method signatures, the generic arguments and constraints of all of them, and every type, member and
/// method token in its method bodies' IL (calls, field accesses, casts, allocations, ldtoken, …) — so a
/// reference hidden inside a body is found, not only one in a signature. Nested and compiler-generated types
/// (lambdas, state machines) count as their outermost declaring type.
/// </summary>
internal static class TypeReferences
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The outermost declaring type of <paramref name="type"/>.</summary>
    public static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    /// <summary>Every type <paramref name="type"/> refers to, generic arguments unwrapped.</summary>
    public static HashSet<Type> Of(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || t.IsGenericParameter)
            {
                if (t is not null)
                {
                    foreach (Type constraint in t.GetGenericParameterConstraints())
                    {
                        Add(constraint);
                    }
                }

                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
                return;
            }

            if (!found.Add(t.IsGenericType ? t.GetGenericTypeDefinition() : t))
            {
                return;
            }

            if (t.IsGenericType)
            {
                foreach (Type argument in t.GetGenericArguments())
                {
                    Add(argument);
                }
            }
        }

        Add(type.BaseType);
        foreach (Type i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (Type parameter in type.IsGenericTypeDefinition ? type.GetGenericArguments() : [])
        {
            Add(parameter);
        }

        foreach (FieldInfo field in type.GetFields(All))
        {
            Add(field.FieldType);
        }

        foreach (PropertyInfo property in type.GetProperties(All))
        {
            Add(property.PropertyType);
        }

        foreach (EventInfo e in type.GetEvents(All))
        {
            Add(e.EventHandlerType);
        }

        foreach (MethodBase method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo info)
            {
                Add(info.ReturnType);
                foreach (Type argument in info.IsGenericMethodDefinition ? info.GetGenericArguments() : [])
                {
                    Add(argument);
                }
            }

            foreach (ParameterInfo parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            foreach (Type referenced in InBody(method))
            {
                Add(referenced);
            }
        }

        return found;
    }

    /// <summary>The types named by the tokens of <paramref name="method"/>'s IL (declaring types of members and methods included).</summary>
    public static IEnumerable<Type> InBody(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        Module module = method.Module;
        Type[]? typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        foreach (Type local in method.GetMethodBody()!.LocalVariables.Select(l => l.LocalType))
        {
            yield return local;
        }

        int position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[position++]);
            }

            OpCode opCode = s_opCodes[value];
            int operandSize = OperandSize(opCode.OperandType, il, position);
            if (opCode.OperandType is OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod or OperandType.InlineField)
            {
                int token = BitConverter.ToInt32(il, position);
                MemberInfo? member = module.ResolveMember(token, typeArguments, methodArguments);
                switch (member)
                {
                    case Type t:
                        yield return t;
                        break;
                    case FieldInfo f:
                        yield return f.DeclaringType!;
                        yield return f.FieldType;
                        break;
                    case MethodBase m:
                        yield return m.DeclaringType!;
                        if (m is MethodInfo mi)
                        {
                            yield return mi.ReturnType;
                            if (mi.IsGenericMethod)
                            {
                                foreach (Type argument in mi.GetGenericArguments())
                                {
                                    yield return argument;
                                }
                            }
                        }

                        foreach (ParameterInfo parameter in m.GetParameters())
                        {
                            yield return parameter.ParameterType;
                        }

                        break;
                }
            }

            position += operandSize;
        }
    }

    private static int OperandSize(OperandType type, byte[] il, int position) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, position)),
        _ => 4,
    };
}
