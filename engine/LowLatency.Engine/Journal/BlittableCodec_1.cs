using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace LowLatency.Engine.Journal;

/// <summary>
/// Journals an unmanaged struct as its own bytes: a batch is one copy. The schema hash covers the type's
/// size and its fields' names and types in declaration order, so adding, removing, renaming or retyping a
/// field makes old journals refused rather than misread. Fields written by later stages are copied too
/// (whatever the slot held); replay writes them back and those stages overwrite them again.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public readonly struct BlittableCodec<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)] T> : IJournalCodec<T>
    where T : unmanaged
{
    private static readonly ulong s_layoutHash = LayoutHash();
    private readonly ulong _version;

    /// <summary>Creates the codec; bump <paramref name="schemaVersion"/> when a field's meaning changes but its layout does not.</summary>
    public BlittableCodec(ulong schemaVersion = 0) => _version = schemaVersion;

    /// <inheritdoc/>
    public string EventType => typeof(T).FullName ?? typeof(T).Name;

    /// <inheritdoc/>
    public int EventSize => Unsafe.SizeOf<T>();

    /// <inheritdoc/>
    public ulong SchemaHash => s_layoutHash ^ (_version * 0x9E3779B97F4A7C15UL);

    /// <inheritdoc/>
    public bool IsRaw => true;

    /// <inheritdoc/>
    public void Encode(in T e, Span<byte> destination) => MemoryMarshal.Write(destination, in e);

    /// <inheritdoc/>
    public void Decode(ReadOnlySpan<byte> source, ref T e) => e = MemoryMarshal.Read<T>(source);

    private static ulong LayoutHash()
    {
        var layout = new StringBuilder();
        layout.Append(Unsafe.SizeOf<T>());
        foreach (FieldInfo field in typeof(T).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            layout.Append(';').Append(field.Name).Append(':').Append(field.FieldType.FullName);
        }

        return Fnv1a64(Encoding.UTF8.GetBytes(layout.ToString()));
    }

    private static ulong Fnv1a64(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return hash;
    }
}
