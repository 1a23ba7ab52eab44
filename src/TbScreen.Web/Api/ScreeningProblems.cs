using TbScreen.Screening;

namespace TbScreen.Web.Api;

/// <summary>The ProblemDetails the screening endpoints answer with, so their shape is decided in one place.</summary>
internal static class ScreeningProblems
{
    /// <summary>Problem types are URNs ending in the screening status code, e.g. urn:tbscreen:problem:invalid-dicom.</summary>
    public static string TypeFor(string code) => "urn:tbscreen:problem:" + code;

    /// <summary>
    /// The upload could not be screened. A malformed file (invalid DICOM, unreadable image) is the client's error: 400.
    /// A well-formed file we cannot screen (not a chest X-ray, an unsupported transfer syntax) is 422, and a failure
    /// in our own processing 500. The status code is both the end of the type URI and the "screeningStatus" extension
    /// ("status" is taken: RFC 9457 reserves it for the HTTP status).
    /// </summary>
    public static IResult NotScreenable(ScreeningOutcome outcome, string fileName, long? resultId) => TypedResults.Problem(
        statusCode: HttpStatusFor(outcome.Status),
        title: $"{fileName} could not be screened",
        detail: $"{fileName}: {outcome.Error}",
        type: TypeFor(outcome.Status.ToCode()),
        extensions: new Dictionary<string, object?>
        {
            ["screeningStatus"] = outcome.Status.ToCode(),
            ["fileName"] = fileName,
            ["reason"] = outcome.Error,
            ["resultId"] = resultId,
            ["notice"] = ResearchNotice.Text,
        });

    public static int HttpStatusFor(ScreeningStatus status) => status switch
    {
        ScreeningStatus.InvalidDicom or ScreeningStatus.UnreadableImage => StatusCodes.Status400BadRequest,
        ScreeningStatus.ProcessingFailed => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    /// <summary>400: the content is not DICOM, PNG or JPEG (sniffed), so it was neither screened nor stored.</summary>
    public static IResult UnsupportedType(string fileName, string reason) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: $"{fileName} is not a supported image",
        detail: $"{fileName}: {reason}",
        type: TypeFor("unsupported-file-type"),
        extensions: new Dictionary<string, object?> { ["fileName"] = fileName, ["reason"] = reason });

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
