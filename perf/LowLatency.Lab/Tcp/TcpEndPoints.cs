using System.Globalization;
using System.Net;

namespace LowLatency.Lab.Tcp;

/// <summary>HOST:PORT parsing shared by <c>feed --connect</c> and <c>demo --listen</c>.</summary>
internal static class TcpEndPoints
{
    /// <summary>An address to connect to: <c>IP:PORT</c>, <c>[IPv6]:PORT</c> or <c>hostname:PORT</c>.</summary>
    public static bool TryParseConnect(string text, out EndPoint? endpoint)
    {
        if (IPEndPoint.TryParse(text, out IPEndPoint? ip) && ip.Port != 0)
        {
            endpoint = ip;
            return true;
        }

        if (TrySplit(text, out string host, out int port))
        {
            endpoint = new DnsEndPoint(host, port);
            return true;
        }

        endpoint = null;
        return false;
    }

    /// <summary>An address to listen on: <c>IP:PORT</c>, <c>localhost:PORT</c> (loopback) or <c>*:PORT</c> (every interface: opt-in exposure).</summary>
    public static bool TryParseListen(string text, out IPEndPoint? endpoint)
    {
        if (IPEndPoint.TryParse(text, out endpoint))
        {
            return true;
        }

        if (TrySplit(text, out string host, out int port, allowZero: true))
        {
            if (host == "localhost")
            {
                endpoint = new IPEndPoint(IPAddress.Loopback, port);
                return true;
            }

            if (host == "*")
            {
                endpoint = new IPEndPoint(IPAddress.Any, port);
                return true;
            }
        }

        endpoint = null;
        return false;
    }

    private static bool TrySplit(string text, out string host, out int port, bool allowZero = false)
    {
        int colon = text.LastIndexOf(':');
        host = colon > 0 ? text[..colon] : string.Empty;
        port = 0;
        return colon > 0
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && (port > 0 || (allowZero && port == 0)) && port <= 65535;
    }
}
