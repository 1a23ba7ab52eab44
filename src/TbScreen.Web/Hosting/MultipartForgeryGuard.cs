namespace TbScreen.Web.Hosting;

/// <summary>
/// Cross-site request forgery defence for the API's multipart uploads (issue 17), beyond the SameSite=Strict cookie:
/// a signed-in multipart POST or PUT to /api or /dicomweb must carry the header X-TbScreen-Client (any value). An HTML
/// form on another site cannot add a header, and a cross-site script that tries needs a CORS preflight this host never
/// grants. Scripts add it once (curl -H 'X-TbScreen-Client: script'); the dashboard uploads over its circuit.
/// </summary>
internal sealed class MultipartForgeryGuard(RequestDelegate next)
{
    public const string HeaderName = "X-TbScreen-Client";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        bool guarded = (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method))
            && request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true
            && (request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/dicomweb"))
            && context.User.Identity?.IsAuthenticated == true;
        if (!guarded || request.Headers.ContainsKey(HeaderName))
        {
            return next(context);
        }

        return MiddlewareProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Missing request header",
            $"Multipart uploads need the header {HeaderName} (any value): it shows the request was not forged by another site.");
    }
}
