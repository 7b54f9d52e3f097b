using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LowLatency.Adapters.Sockets;

namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>A hand-driven loopback client: sends exact bytes, reads exact frames.</summary>
public sealed class RawClient : IDisposable
{
    private RawClient(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    public static async Task<RawClient> ConnectAsync(IPEndPoint endpoint, int receiveBufferSize = 0)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize > 0)
        {
            socket.ReceiveBufferSize = receiveBufferSize;
        }

        await socket.ConnectAsync(endpoint);
        return new RawClient(socket);
    }

    public static byte[] Hello(ulong session, int eventSize, uint schema = 0, string token = "", SessionRole role = SessionRole.Publisher)
    {
        byte[] frame = new byte[WireFormat.HeaderSize + WireFormat.HelloFixedSize + token.Length];
        WireFormat.WriteHello(frame, session, schema, eventSize, role, System.Text.Encoding.ASCII.GetBytes(token));
        return frame;
    }

    public static byte[] Batch(long first, ReadOnlySpan<long> values)
    {
        int payload = WireFormat.BatchOverhead + (values.Length * 8);
        byte[] frame = new byte[WireFormat.HeaderSize + payload];
        WireFormat.WriteHeader(frame, FrameType.Batch, FrameFlags.None, payload, payload);
        WireFormat.WriteBatchHeader(frame.AsSpan(WireFormat.HeaderSize), first, values.Length, 8);
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(WireFormat.HeaderSize + WireFormat.BatchHeaderSize + (i * 8)), values[i]);
        }

        WireFormat.SealBatch(frame.AsSpan(WireFormat.HeaderSize));

        return frame;
    }

    public async Task SendAsync(byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length)
        {
            sent += await Socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
        }
    }

    /// <summary>Reads one whole frame; null on end of stream.</summary>
    public async Task<byte[]?> ReadFrameAsync(CancellationToken token = default)
    {
        byte[] header = new byte[WireFormat.HeaderSize];
        if (!await ReadExactlyAsync(header, token))
        {
            return null;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        byte[] frame = new byte[WireFormat.HeaderSize + length];
        header.CopyTo(frame, 0);
        return await ReadExactlyAsync(frame.AsMemory(WireFormat.HeaderSize), token) ? frame : null;
    }

    /// <summary>Reads frames until a close frame (its reason) or the end of the stream (None).</summary>
    public async Task<DisconnectReason> ReadCloseReasonAsync(CancellationToken token = default)
    {
        while (true)
        {
            byte[]? frame;
            try
            {
                frame = await ReadFrameAsync(token);
            }
            catch (SocketException)
            {
                return DisconnectReason.None;
            }

            if (frame is null)
            {
                return DisconnectReason.None;
            }

            if (frame[3] == (byte)FrameType.Close)
            {
                return (DisconnectReason)BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(WireFormat.HeaderSize));
            }
        }
    }

    public void Dispose() => Socket.Dispose();

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, CancellationToken token)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await Socket.ReceiveAsync(buffer[read..], SocketFlags.None, token);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
