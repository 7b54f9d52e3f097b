using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LowLatency.Adapters.WebSockets;

/// <summary>Maps a hub (and its dashboard) into a host's existing ASP.NET Core app.</summary>
public static class WebSocketEndpoints
{
    /// <summary>Serves <paramref name="hub"/>'s WebSocket at <paramref name="pattern"/> (the WebSocket middleware is included on this route).</summary>
    public static IEndpointConventionBuilder MapLiveUpdates(this IEndpointRouteBuilder endpoints, string pattern, WebSocketHub hub)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(hub);
        RequestDelegate branch = endpoints.CreateApplicationBuilder()
            .UseWebSockets()
            .Use(_ => hub.HandleAsync)
            .Build();
        return endpoints.Map(pattern, branch);
    }

    /// <summary>
    /// Serves the dashboard page (<c>/</c>, <c>/dashboard.js</c>, <c>/dashboard.css</c>, all embedded) below <paramref name="prefix"/>.
    /// The page connects to <c>ws</c> next to it (override with <c>?ws=/path</c>; a <c>?token=</c> is passed on).
    /// </summary>
    public static IEndpointConventionBuilder MapLiveDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        string root = prefix.TrimEnd('/');
        RequestDelegate serve = async context =>
        {
            if (!await DashboardAssets.TryServeAsync(context, root).ConfigureAwait(false))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        };
        var group = endpoints.MapGroup(root.Length == 0 ? "/" : root);
        foreach (string path in DashboardAssets.Paths)
        {
            group.Map(path, serve);
        }

        return group;
    }
}
