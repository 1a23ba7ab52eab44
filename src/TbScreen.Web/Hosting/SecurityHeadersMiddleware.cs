namespace TbScreen.Web.Hosting;

/// <summary>
/// Headers on every response: no MIME sniffing, no referrer (addresses carry result ids), and a policy that loads
/// nothing from another origin and runs no inline script or style (an injected tag or handler is inert), and forbids
/// framing (clickjacking), plugins, foreign base URLs and foreign form targets. The dashboard has no inline script
/// (no import map: it has no JavaScript modules) and no inline style (docs/dashboard.md, Security). The dashboard
/// never needs the camera, microphone, location, payments or USB, so no page (or anything injected into one) may ask;
/// and a window it opens, or that opens it, shares no browsing context with another origin.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";

    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers["X-Content-Type-Options"] = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers["X-Frame-Options"] = "DENY";
            headers["Permissions-Policy"] = PermissionsPolicy;
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
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
