using TbScreen.Screening;

namespace TbScreen.Web.Api;

/// <summary>The ProblemDetails the screening endpoints answer with, so their shape is decided in one place.</summary>
internal static class ScreeningProblems
{
    /// <summary>Problem types are URNs ending in the screening status code, e.g. urn:tbscreen:problem:invalid-dicom.</summary>
    public static string TypeFor(string code) => "urn:tbscreen:problem:" + code;

    /// <summary>
    /// 422: the upload arrived but is not something we can screen. The screening status code is both the end of the
    /// type URI and the "screeningStatus" extension ("status" is taken: RFC 9457 reserves it for the HTTP status).
    /// </summary>
    public static IResult NotScreenable(ScreeningOutcome outcome, string fileName, long? resultId) => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "The file could not be screened",
        detail: outcome.Error,
        type: TypeFor(outcome.Status.ToCode()),
        extensions: new Dictionary<string, object?>
        {
            ["screeningStatus"] = outcome.Status.ToCode(),
            ["fileName"] = fileName,
            ["resultId"] = resultId,
            ["notice"] = ResearchNotice.Text,
        });

    public static IResult MissingFile() => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "No file uploaded",
        detail: "Send multipart/form-data with one file in the field named \"file\" (DICOM, PNG or JPEG).");

    public static IResult ResultNotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Screening result not found",
        detail: $"There is no screening result {id}.");

    public static IResult HeatmapNotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Heatmap not found",
        detail: $"Screening result {id} has no heatmap (it was not screened, or its ensemble produces none).");
}
