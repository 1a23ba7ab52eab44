namespace TbScreen.Web.Hosting;

/// <summary>
/// Headers on every response: no MIME sniffing, no referrer (addresses carry result ids), and a policy that forbids
/// framing (clickjacking), plugins, foreign base URLs and foreign form targets. Script and style sources are not yet
/// restricted by the policy: Blazor's import map is an inline script (docs/dashboard.md, Security).
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string ContentSecurityPolicy = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers["X-Content-Type-Options"] = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers["X-Frame-Options"] = "DENY";
            // An endpoint's own policy (report files are sandboxed) stays; Blazor's frame-ancestors-only one is widened.
            string own = headers.ContentSecurityPolicy.ToString();
            if (own.Length == 0 || own.StartsWith("frame-ancestors", StringComparison.Ordinal))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}
