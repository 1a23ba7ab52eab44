using Microsoft.AspNetCore.Diagnostics;

namespace TbScreen.Web.Hosting;

/// <summary>
/// Turns the exceptions a client can cause into ProblemDetails with the right status; anything else falls
/// through to the default handler, which answers 500 ProblemDetails without leaking the exception text.
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        (int status, string title, string detail)? mapped = exception switch
        {
            // Kestrel's body limit (chunked uploads without a Content-Length), malformed requests.
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Upload too large" : "Bad request", bad.Message),
            // The form reader's MultipartBodyLengthLimit and other malformed multipart bodies.
            InvalidDataException invalid when invalid.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) =>
                (StatusCodes.Status413PayloadTooLarge, "Upload too large", invalid.Message),
            InvalidDataException invalid => (StatusCodes.Status400BadRequest, "Malformed request body", invalid.Message),
            Jobs.JobQueueFullException full => (StatusCodes.Status503ServiceUnavailable, "Job queue full", full.Message),
            _ => null,
        };
        if (mapped is not { } m || context.Response.HasStarted)
        {
            return false;
        }

        logger.LogInformation("Request rejected with {Status}: {Detail}", m.status, m.detail);
        context.Response.StatusCode = m.status;
        if (m.status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "60";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = m.status, Title = m.title, Detail = m.detail },
        });
    }
}
