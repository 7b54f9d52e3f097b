using System.Diagnostics.CodeAnalysis;

namespace LowLatency.Adapters.Kafka;

/// <summary>Outlined option checks: the message names the option, the value and the rule.</summary>
internal static class KafkaOptionGuard
{
    [DoesNotReturn]
    public static void ThrowOption(string option, object? value, string rule) =>
        throw new ArgumentException($"Invalid option {option} = {value}: {rule}", option);

    /// <summary>
    /// A comma-separated list of <c>host:port</c> (port 1–65535, host without spaces; IPv6 as <c>[addr]:port</c>).
    /// librdkafka would take a malformed list and retry it forever; refusing it here gives the one-line error at once.
    /// </summary>
    public static void CheckBootstrap(string option, string? servers)
    {
        if (string.IsNullOrWhiteSpace(servers))
        {
            ThrowOption(option, servers, "must name at least one broker as host:port.");
        }

        foreach (string entry in servers.Split(','))
        {
            string server = entry.Trim();
            int colon = server.LastIndexOf(':');
            string host = colon > 0 ? server[..colon] : "";
            bool portOk = colon > 0 && int.TryParse(server.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) && port is >= 1 and <= 65535;
            if (host.Length == 0 || host.Any(char.IsWhiteSpace) || !portOk)
            {
                ThrowOption(option, servers, $"'{server}' is not host:port (port 1-65535).");
            }
        }
    }
}
