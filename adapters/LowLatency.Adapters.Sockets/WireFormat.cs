using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using LowLatency.Engine.Integrity;

namespace LowLatency.Adapters.Sockets;

/// <summary>
/// Constants and writers of wire format v2. Every multi-byte integer is little-endian except the
/// magic, which is the two ASCII bytes "LL". The byte-by-byte layout is in the adapter's README.
/// </summary>
public static class WireFormat
{
    /// <summary>Bytes of the frame header.</summary>
    public const int HeaderSize = 16;

    /// <summary>The version this build writes and accepts.</summary>
    public const byte Version = 2;

    /// <summary>
    /// The previous version (no batch checksum). It is refused with <see cref="DisconnectReason.UnsupportedVersion"/>;
    /// only its close frame, whose layout v2 kept, is understood, so each side can tell the other why.
    /// </summary>
    public const byte Version1 = 1;

    /// <summary>The magic, read as a big-endian <c>u16</c> of bytes 0–1 ("LL").</summary>
    public const ushort Magic = 0x4C4C;

    /// <summary>Hello payload bytes before the auth token.</summary>
    public const int HelloFixedSize = 24;

    /// <summary>Longest auth token a hello may carry.</summary>
    public const int MaxAuthTokenLength = 256;

    /// <summary>Welcome payload bytes.</summary>
    public const int WelcomeSize = 24;

    /// <summary>Bytes of a batch payload before its events.</summary>
    public const int BatchHeaderSize = 16;

    /// <summary>Bytes of the CRC-32C that ends every (uncompressed) batch payload.</summary>
    public const int ChecksumSize = 4;

    /// <summary>Bytes of a batch payload around its events: <see cref="BatchHeaderSize"/> + <see cref="ChecksumSize"/>.</summary>
    public const int BatchOverhead = BatchHeaderSize + ChecksumSize;

    /// <summary>Ack payload bytes.</summary>
    public const int AckSize = 8;

    /// <summary>Close payload bytes.</summary>
    public const int CloseSize = 4;

    /// <summary>Largest event a codec may declare (the hello carries it as a <c>u16</c> range).</summary>
    public const int MaxEventSize = 65_535;

    /// <summary>Writes a frame header into the first <see cref="HeaderSize"/> bytes of <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteHeader(Span<byte> destination, FrameType type, FrameFlags flags, int payloadLength, int uncompressedLength) =>
        WriteHeader(destination, Version, type, flags, payloadLength, uncompressedLength);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteHeader(Span<byte> destination, byte version, FrameType type, FrameFlags flags, int payloadLength, int uncompressedLength)
    {
        destination = destination[..HeaderSize];
        BinaryPrimitives.WriteUInt16BigEndian(destination, Magic);
        destination[2] = version;
        destination[3] = (byte)type;
        destination[4] = (byte)flags;
        destination[5] = 0;
        destination[6] = 0;
        destination[7] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], payloadLength);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], uncompressedLength);
    }

    /// <summary>Writes a whole hello frame; returns its length.</summary>
    public static int WriteHello(Span<byte> destination, ulong sessionId, uint schemaId, int eventSize, SessionRole role, ReadOnlySpan<byte> authToken)
    {
        if (authToken.Length > MaxAuthTokenLength)
        {
            throw new ArgumentOutOfRangeException(nameof(authToken), authToken.Length, "An auth token is at most 256 bytes.");
        }

        int payload = HelloFixedSize + authToken.Length;
        WriteHeader(destination, FrameType.Hello, FrameFlags.None, payload, payload);
        Span<byte> p = destination.Slice(HeaderSize, payload);
        BinaryPrimitives.WriteUInt64LittleEndian(p, sessionId);
        BinaryPrimitives.WriteUInt32LittleEndian(p[8..], schemaId);
        BinaryPrimitives.WriteInt32LittleEndian(p[12..], eventSize);
        BinaryPrimitives.WriteUInt16LittleEndian(p[16..], (ushort)role);
        BinaryPrimitives.WriteUInt16LittleEndian(p[18..], (ushort)authToken.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(p[20..], 0);
        authToken.CopyTo(p[HelloFixedSize..]);
        return HeaderSize + payload;
    }

    /// <summary>Writes a whole welcome frame; returns its length.</summary>
    public static int WriteWelcome(Span<byte> destination, ulong sessionId, long acceptedSequence, long ackedSequence)
    {
        WriteHeader(destination, FrameType.Welcome, FrameFlags.None, WelcomeSize, WelcomeSize);
        Span<byte> p = destination.Slice(HeaderSize, WelcomeSize);
        BinaryPrimitives.WriteUInt64LittleEndian(p, sessionId);
        BinaryPrimitives.WriteInt64LittleEndian(p[8..], acceptedSequence);
        BinaryPrimitives.WriteInt64LittleEndian(p[16..], ackedSequence);
        return HeaderSize + WelcomeSize;
    }

    /// <summary>Writes the 16-byte batch header (first sequence, count, event size) at the start of a batch payload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteBatchHeader(Span<byte> destination, long firstSequence, int count, int eventSize)
    {
        destination = destination[..BatchHeaderSize];
        BinaryPrimitives.WriteInt64LittleEndian(destination, firstSequence);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], count);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], eventSize);
    }

    /// <summary>
    /// Writes the CRC-32C of <paramref name="payload"/>'s first <c>Length − 4</c> bytes into its last 4: call it on a
    /// whole uncompressed batch payload (header and events written), before compressing it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SealBatch(Span<byte> payload)
    {
        int covered = payload.Length - ChecksumSize;
        BinaryPrimitives.WriteUInt32LittleEndian(payload[covered..], Crc32C.Compute(payload[..covered]));
    }

    /// <summary>Writes a whole ack frame; returns its length.</summary>
    public static int WriteAck(Span<byte> destination, long ackedSequence)
    {
        WriteHeader(destination, FrameType.Ack, FrameFlags.None, AckSize, AckSize);
        BinaryPrimitives.WriteInt64LittleEndian(destination.Slice(HeaderSize, AckSize), ackedSequence);
        return HeaderSize + AckSize;
    }

    /// <summary>Writes a whole heartbeat frame; returns its length.</summary>
    public static int WriteHeartbeat(Span<byte> destination)
    {
        WriteHeader(destination, FrameType.Heartbeat, FrameFlags.None, 0, 0);
        return HeaderSize;
    }

    /// <summary>Writes a whole close frame; returns its length.</summary>
    public static int WriteClose(Span<byte> destination, DisconnectReason reason) => WriteClose(destination, reason, Version);

    /// <summary>
    /// Writes a whole close frame with the header's version byte set to <paramref name="version"/> (1 or 2: the close
    /// layout is the same in both), so a peer refused for speaking v1 can read why; returns its length.
    /// </summary>
    public static int WriteClose(Span<byte> destination, DisconnectReason reason, byte version)
    {
        if (version is not (Version or Version1))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "A close frame is written in version 1 or 2.");
        }

        WriteHeader(destination, version, FrameType.Close, FrameFlags.None, CloseSize, CloseSize);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(HeaderSize, 2), (ushort)reason);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(HeaderSize + 2, 2), 0);
        return HeaderSize + CloseSize;
    }
}
