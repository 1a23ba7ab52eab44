namespace TbScreen.Web.Hosting;

/// <summary>The ProblemDetails answer that middleware sends when it stops a request (403 gates, 429 limits).</summary>
internal static class MiddlewareProblems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
