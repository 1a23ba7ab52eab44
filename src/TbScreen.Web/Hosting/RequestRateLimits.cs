using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Hosting;

/// <summary>
/// ASP.NET Core's rate limiter over every request (issue 17): sign-in attempts per client address (the lockout
/// already stops guessing one account; this stops spraying many), uploads and other API calls per signed-in user
/// (else per address). A refused request gets 429 ProblemDetails with Retry-After. Limits: TbScreen:Security:RateLimits.
/// </summary>
internal static class RequestRateLimits
{
    public static IServiceCollection AddTbScreenRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<TbScreenOptions>>((limiter, host) =>
        {
            var limits = host.Value.Security.RateLimits;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, limits));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                {
                    http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await MiddlewareProblems.WriteAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests",
                    "Too many requests from this user or address; wait and try again.");
            };
        });
        return services;
    }

    /// <summary>Which bucket a request spends from; pages, static files and the Blazor circuit are not limited.</summary>
    internal static RateLimitPartition<string> Partition(HttpContext http, RateLimitSettings limits)
    {
        string path = http.Request.Path.Value ?? "";
        bool post = HttpMethods.IsPost(http.Request.Method);
        string address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        string caller = http.User.Identity is { IsAuthenticated: true, Name: { } name } ? "user:" + name.ToUpperInvariant() : "ip:" + address;
        if (post && (path.Equals("/api/auth/login", StringComparison.OrdinalIgnoreCase) || path.Equals(Identity.IdentityRegistration.SignInPath, StringComparison.OrdinalIgnoreCase)))
        {
            return Fixed("signin:" + address, limits.SignInsPerMinute);
        }

        if (post && (path.StartsWith("/api/screenings", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/api/jobs", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("/dicomweb", StringComparison.OrdinalIgnoreCase)))
        {
            return Fixed("upload:" + caller, limits.UploadsPerMinute);
        }

        if (path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/dicomweb", StringComparison.OrdinalIgnoreCase))
        {
            return Fixed("api:" + caller, limits.ApiRequestsPerMinute);
        }

        return RateLimitPartition.GetNoLimiter("unlimited");
    }

    private static RateLimitPartition<string> Fixed(string key, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}
