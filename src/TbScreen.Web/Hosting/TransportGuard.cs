using System.Net;

namespace TbScreen.Web.Hosting;

/// <summary>
/// Refuses to serve patient data in clear text off this machine (issue 17): every http:// address the host is told to
/// listen on must be loopback, unless the operator starts it with --allow-insecure-http (for example behind a TLS
/// reverse proxy on another interface). https:// addresses are always allowed.
/// </summary>
public static class TransportGuard
{
    public const string AllowInsecureFlag = "--allow-insecure-http";
    public const string AllowInsecureKey = "TbScreen:AllowInsecureHttp";

    /// <summary>The arguments without <see cref="AllowInsecureFlag"/> (the configuration parser would take it for a key) and whether it was there.</summary>
    public static string[] WithoutFlag(string[] args, out bool allowInsecure)
    {
        ArgumentNullException.ThrowIfNull(args);
        allowInsecure = args.Contains(AllowInsecureFlag, StringComparer.Ordinal);
        return args.Where(a => a != AllowInsecureFlag).ToArray();
    }

    /// <summary>The offending address and why, or null when every address is fine.</summary>
    public static string? Problem(string? urls, bool allowInsecure)
    {
        if (allowInsecure || string.IsNullOrWhiteSpace(urls))
        {
            return null;
        }

        foreach (string url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string host = HostOf(url);
            if (!IsLoopback(host))
            {
                return $"{url} would serve patient data over plain HTTP beyond this machine. Use https://, listen on 127.0.0.1 behind a TLS reverse proxy (docs/security.md), or start with {AllowInsecureFlag} if the network is protected otherwise.";
            }
        }

        return null;
    }

    private static string HostOf(string url)
    {
        string rest = url["http://".Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            rest = rest[..slash];
        }

        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? rest[1..close] : rest;
        }

        int colon = rest.LastIndexOf(':');
        return colon >= 0 ? rest[..colon] : rest;
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
