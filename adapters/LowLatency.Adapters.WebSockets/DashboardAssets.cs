using Microsoft.AspNetCore.Http;

namespace LowLatency.Adapters.WebSockets;

/// <summary>The dashboard page, its script, style and icon, embedded in the assembly (no CDN, nothing fetched).</summary>
internal static class DashboardAssets
{
    private static readonly (string Path, string Resource, string ContentType)[] s_assets =
    [
        ("/", "Dashboard/index.html", "text/html; charset=utf-8"),
        ("/dashboard.js", "Dashboard/dashboard.js", "text/javascript; charset=utf-8"),
        ("/dashboard.css", "Dashboard/dashboard.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "Dashboard/favicon.svg", "image/svg+xml"),
    ];

    private static readonly Dictionary<string, (byte[] Body, string ContentType)> s_bodies = Load();

    /// <summary>Serves an asset at its path below <paramref name="prefix"/>; false when the path is not one of them.</summary>
    public static async Task<bool> TryServeAsync(HttpContext context, string prefix)
    {
        string path = context.Request.Path.Value ?? "/";
        string relative = path.StartsWith(prefix, StringComparison.Ordinal) ? "/" + path[prefix.Length..].TrimStart('/') : path;
        if (!s_bodies.TryGetValue(relative, out (byte[] Body, string ContentType) asset))
        {
            return false;
        }

        context.Response.ContentType = asset.ContentType;
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; connect-src 'self' ws: wss:";
        context.Response.ContentLength = asset.Body.Length;
        await context.Response.Body.WriteAsync(asset.Body).ConfigureAwait(false);
        return true;
    }

    public static IEnumerable<string> Paths => s_assets.Select(a => a.Path);

    private static Dictionary<string, (byte[] Body, string ContentType)> Load()
    {
        var bodies = new Dictionary<string, (byte[] Body, string ContentType)>(StringComparer.Ordinal);
        foreach ((string path, string resource, string contentType) in s_assets)
        {
            using Stream stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Embedded dashboard asset '{resource}' is missing from the assembly.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            bodies[path] = (buffer.ToArray(), contentType);
        }

        return bodies;
    }
}
