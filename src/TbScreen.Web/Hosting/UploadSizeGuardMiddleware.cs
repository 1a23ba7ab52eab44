using Microsoft.AspNetCore.Http.Metadata;

namespace TbScreen.Web.Hosting;

/// <summary>
/// Answers 413 ProblemDetails before a byte of the body is read when the declared Content-Length exceeds the
/// endpoint's <see cref="IRequestSizeLimitMetadata"/>. Why: Kestrel enforces that limit only while the body is
/// read (it then throws mid-form-binding), and the test server does not enforce it at all; checking here gives
/// the same clean answer everywhere. Chunked bodies without a length still hit Kestrel's limit (routing sets
/// it from the same metadata) and the form limit, which <see cref="ApiExceptionHandler"/> turns into 413.
/// </summary>
internal sealed class UploadSizeGuardMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        long? limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
        if (limit is long max && context.Request.ContentLength is long length && length > max)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Upload too large",
                    Detail = $"The request body is {length} bytes; this endpoint accepts at most {max} bytes (TbScreen:Uploads:MaxBytes).",
                },
            });
            return;
        }

        await next(context);
    }
}
