using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Heatmaps;
using TbScreen.Screening;
using TbScreen.Screening.Display;
using TbScreen.Screening.Persistence;

namespace TbScreen.Web.Viewing;

/// <summary>Why a result's heatmap cannot be laid over its radiograph, with the HTTP status that says so.</summary>
public sealed record OverlayProblem(int StatusCode, string Title, string Detail);

/// <summary>
/// A stored heatmap re-projected onto its radiograph, on the same grid as the /image rendering at the same maxSize.
/// The geometry is recomputed from the stored image and the input contract of the ensemble member whose CAM it
/// is; that needs the image and the very models that screened it, else the overlay would be placed by guesswork.
/// The models are resolved only when a heatmap is asked for, so result pages still open when they cannot load.
/// </summary>
public sealed class HeatmapOverlays(IScreeningStore store, StoredImages images, IServiceProvider services)
{
    public async Task<(Heatmap? Heatmap, OverlayProblem? Problem)> ProjectAsync(long resultId, int maxSize, CancellationToken cancellationToken)
    {
        var stored = await store.GetResultAsync(resultId, cancellationToken);
        if (stored is null)
        {
            return Fail(StatusCodes.Status404NotFound, "Screening result not found", $"There is no screening result {resultId}.");
        }

        if (stored.Outcome.Heatmap is null)
        {
            return Fail(StatusCodes.Status404NotFound, "Heatmap not found",
                $"Screening result {resultId} has no heatmap (it was not screened, or its ensemble produces none).");
        }

        ScreeningPipeline pipeline;
        try
        {
            pipeline = services.GetRequiredService<ScreeningPipeline>();
        }
        catch (ModelBundleException e)
        {
            return Fail(StatusCodes.Status409Conflict, "Heatmap cannot be aligned", $"Result {resultId}: the models cannot be loaded: {e.Message}");
        }

        var (radiograph, problem, detail) = images.Decode(stored);
        if (radiograph is null)
        {
            return problem is StoredImages.Problem.ContentMissing or StoredImages.Problem.Purged
                ? Fail(problem == StoredImages.Problem.Purged ? StatusCodes.Status410Gone : StatusCodes.Status404NotFound, "Image not stored", $"Result {resultId}: {detail} The heatmap cannot be aligned without it.")
                : Fail(StatusCodes.Status409Conflict, "Heatmap cannot be aligned", $"Result {resultId}: the stored image cannot be decoded: {detail}");
        }

        var grid = DisplayGrid.For(radiograph.Layout.Rows, radiograph.Layout.Columns, maxSize);
        var (projected, misfit) = HeatmapAlignment.Project(stored.Outcome, radiograph, pipeline, grid);
        return projected is null
            ? Fail(StatusCodes.Status409Conflict, "Heatmap cannot be aligned", $"Result {resultId}: {misfit}.")
            : (projected, null);
    }

    private static (Heatmap?, OverlayProblem?) Fail(int status, string title, string detail) => (null, new OverlayProblem(status, title, detail));
}
