using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LowLatency.Adapters.Sockets;

/// <summary>The 16-byte header that starts every frame of wire format v2 (layout in the adapter's README).</summary>
/// <param name="Magic">Bytes 0–1, must be <c>4C 4C</c> ("LL").</param>
/// <param name="Version">Byte 2, must be <see cref="WireFormat.Version"/>.</param>
/// <param name="Type">Byte 3.</param>
/// <param name="Flags">Byte 4.</param>
/// <param name="Reserved">Bytes 5–7 (little-endian, 24 bits), must be zero.</param>
/// <param name="PayloadLength">Bytes 8–11, little-endian <c>i32</c>: payload bytes that follow on the wire.</param>
/// <param name="UncompressedLength">Bytes 12–15, little-endian <c>i32</c>: payload size once decompressed (equal to <paramref name="PayloadLength"/> when not compressed).</param>
public readonly record struct FrameHeader(ushort Magic, byte Version, FrameType Type, FrameFlags Flags, int Reserved, int PayloadLength, int UncompressedLength)
{
    /// <summary>Reads the header fields from <paramref name="source"/> (at least <see cref="WireFormat.HeaderSize"/> bytes) without validating them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FrameHeader Read(ReadOnlySpan<byte> source)
    {
        source = source[..WireFormat.HeaderSize];
        return new FrameHeader(
            BinaryPrimitives.ReadUInt16BigEndian(source),
            source[2],
            (FrameType)source[3],
            (FrameFlags)source[4],
            source[5] | (source[6] << 8) | (source[7] << 16),
            BinaryPrimitives.ReadInt32LittleEndian(source[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[12..]));
    }

    /// <summary>
    /// Checks every rule that can be checked on the header alone, so a receiver refuses an oversized or
    /// malformed frame before buffering a byte of its payload. Returns <see cref="DisconnectReason.None"/> when valid.
    /// </summary>
    /// <param name="maxFrameSize">Largest payload accepted on the wire.</param>
    /// <param name="maxDecompressedSize">Largest payload accepted once decompressed.</param>
    public DisconnectReason Validate(int maxFrameSize, int maxDecompressedSize)
    {
        if (Magic != WireFormat.Magic)
        {
            return DisconnectReason.BadMagic;
        }

        // A close frame is read in either version (its layout did not change), so a v1 peer's refusal is understood.
        if (Version != WireFormat.Version && !(Version == WireFormat.Version1 && Type == FrameType.Close))
        {
            return DisconnectReason.UnsupportedVersion;
        }

        if (Type is < FrameType.Hello or > FrameType.Close)
        {
            return DisconnectReason.UnknownFrameType;
        }

        if (Reserved != 0 || (Flags & ~FrameFlags.Lz4) != 0 || ((Flags & FrameFlags.Lz4) != 0 && Type != FrameType.Batch))
        {
            return DisconnectReason.ReservedBitsSet;
        }

        if (PayloadLength < 0 || PayloadLength > maxFrameSize)
        {
            return DisconnectReason.FrameTooLarge;
        }

        if (UncompressedLength < 0 || UncompressedLength > maxDecompressedSize)
        {
            return DisconnectReason.DecompressedTooLarge;
        }

        bool compressed = (Flags & FrameFlags.Lz4) != 0;
        if (!compressed && UncompressedLength != PayloadLength)
        {
            return DisconnectReason.MalformedPayload;
        }

        return Type switch
        {
            FrameType.Hello when UncompressedLength < WireFormat.HelloFixedSize || UncompressedLength > WireFormat.HelloFixedSize + WireFormat.MaxAuthTokenLength => DisconnectReason.MalformedPayload,
            FrameType.Welcome when UncompressedLength != WireFormat.WelcomeSize => DisconnectReason.MalformedPayload,
            FrameType.Batch when UncompressedLength < WireFormat.BatchOverhead => DisconnectReason.MalformedPayload,
            FrameType.Ack when UncompressedLength != WireFormat.AckSize => DisconnectReason.MalformedPayload,
            FrameType.Heartbeat when UncompressedLength != 0 => DisconnectReason.MalformedPayload,
            FrameType.Close when UncompressedLength != WireFormat.CloseSize => DisconnectReason.MalformedPayload,
            _ => DisconnectReason.None,
        };
    }
}
