using TbScreen.Web.Identity;
using TbScreen.Web.Reports;

namespace TbScreen.Web.Api;

/// <summary>Model cards and reports for scripts, and the one endpoint that serves report files (plots, downloads).</summary>
internal static class ReportEndpoints
{
    public static RouteGroupBuilder MapReportEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/models", (ModelCatalog catalog) => TypedResults.Ok(catalog.Bundles().Select(b => new { b.Name, b.Version, b.Metadata, b.Plots, b.Error })))
            .RequireAuthorization(Policies.AnyRole)
            .WithTags("Reports")
            .WithName("ListModels")
            .WithSummary("The model bundles (folders of models/ with metadata.json) with their metadata and plots");

        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/", (ModelCatalog catalog) => TypedResults.Ok(catalog.Reports()))
            .RequireAuthorization(Policies.Audit)
            .WithName("ListReports")
            .WithSummary("Every pruning, robustness and fairness report that exists, with its tables");

        reports.MapGet("/files/{**path}", GetFile)
            .RequireAuthorization(Policies.AnyRole)
            .WithName("GetReportFile")
            .WithSummary("A report file (plot, JSON, CSV, HTML) listed by the catalog; anything else is 404")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return reports;
    }

    private static IResult GetFile(string path, ModelCatalog catalog, HttpContext http)
    {
        if (!catalog.IsKnownFile(path, out string fullPath))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Report file not found", detail: $"{path} is not a report file.");
        }

        // An SVG or HTML opened directly would run in our origin: a sandbox with no scripts, and no MIME guessing.
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        string contentType = ModelCatalog.ContentType(path);
        bool attachment = path.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        return TypedResults.PhysicalFile(fullPath, contentType, attachment ? Path.GetFileName(path) : null);
    }
}
