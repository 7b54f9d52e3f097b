using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LowLatency.Adapters.WebSockets;

/// <summary>The receive loop: size checks before anything is parsed, then the client's commands.</summary>
internal sealed partial class LiveConnection
{
    // Receive loop only: one byte more than the limit, so an oversized message is seen without reading it all.
    private readonly byte[] _inbound;
    private string? _invalidText;

    private async Task<CloseReason> ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                int length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == _inbound.Length)
                    {
                        return CloseReason.MessageTooBig;
                    }

                    result = await _socket.ReceiveAsync(_inbound.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return CloseReason.ClientClosed;
                    }

                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (length > _hub.Options.MaxMessageBytes)
                {
                    return CloseReason.MessageTooBig;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    _invalidText = "binary messages are not accepted; send JSON text commands";
                    return CloseReason.InvalidMessage;
                }

                if (!TryApply(_inbound.AsSpan(0, length), out string? error))
                {
                    _invalidText = error;
                    return CloseReason.InvalidMessage;
                }
            }
        }
        catch (WebSocketException e) when (e.InnerException is TimeoutException)
        {
            return CloseReason.PingTimeout;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            return CloseReason.ProtocolError;
        }
    }

    /// <summary>Applies one command (<c>{"op":"subscribe"|"unsubscribe","topic":NAME,"keys":[…]}</c>); false with a reason when invalid.</summary>
    private bool TryApply(ReadOnlySpan<byte> message, out string? error)
    {
        string? op = null;
        string? topicName = null;
        List<long> keys = [];
        try
        {
            var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "a command is a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string property = reader.GetString()!;
                reader.Read();
                switch (property)
                {
                    case "op" when reader.TokenType == JsonTokenType.String:
                        op = reader.GetString();
                        break;
                    case "topic" when reader.TokenType == JsonTokenType.String:
                        topicName = reader.GetString();
                        break;
                    case "keys" when reader.TokenType == JsonTokenType.StartArray:
                        while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                        {
                            keys.Add(reader.GetInt64());
                        }

                        if (reader.TokenType != JsonTokenType.EndArray)
                        {
                            error = "keys must be an array of integers";
                            return false;
                        }

                        break;
                    default:
                        error = $"unexpected property '{Truncate(property)}'";
                        return false;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "a command is one JSON object";
                return false;
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            error = "not valid JSON";
            return false;
        }

        if (op is not ("subscribe" or "unsubscribe"))
        {
            error = op is null ? "missing op" : $"unknown op '{Truncate(op)}'";
            return false;
        }

        if (topicName is null || _hub.FindTopic(topicName) is not { } topic)
        {
            error = topicName is null ? "missing topic" : $"unknown topic '{Truncate(topicName)}'";
            return false;
        }

        long[] keyArray = [.. keys];
        _subscription = op == "subscribe"
            ? _subscription.With(topic.Id, _hub.TopicArray.Length, keyArray)
            : _subscription.Without(topic.Id, _hub.TopicArray.Length, keyArray);
        SendControl(Encoding.UTF8.GetBytes($"{{\"type\":\"{op}d\",\"topic\":\"{topic.Name}\",\"keys\":[{string.Join(',', keyArray)}]}}"));
        error = null;
        return true;
    }

    private static string Truncate(string value) => value.Length <= 32 ? value : value[..32];
}
