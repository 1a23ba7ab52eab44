using TbScreen.Imaging;
using TbScreen.Inference.Heatmaps;

namespace TbScreen.Screening.Display;

/// <summary>
/// A result's CAM heatmap laid onto its radiograph's display grid. The heatmap lives in the model's input square;
/// where that square sat on the radiograph follows from the image and the input contract of the ensemble member
/// whose CAM it is, so only the very models that screened it can place it. The viewer's overlay and the Secondary
/// Capture sent to PACS both place it this way.
/// </summary>
public static class HeatmapAlignment
{
    /// <summary>The heatmap on <paramref name="grid"/>, or null with the reason it cannot be placed.</summary>
    public static (Heatmap? Heatmap, string? Problem) Project(ScreeningOutcome outcome, Radiograph radiograph, ScreeningPipeline pipeline, DisplayGrid grid)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(radiograph);
        ArgumentNullException.ThrowIfNull(pipeline);
        if (outcome.Heatmap is not { } square)
        {
            return (null, "the result has no heatmap (it was not computed, or the ensemble produces none)");
        }

        // Only the models fix the geometry: a result decided under a site profile or with the stability check places as well.
        string models = ScreeningPipeline.VersionOf(pipeline.Ensemble);
        if (ScreeningPipeline.ModelsOf(outcome.ModelVersion) != models || pipeline.Ensemble.HeatmapIndex is not int member)
        {
            return (null, $"the result was screened by {outcome.ModelVersion}, the loaded models are {models}: the model input geometry of that heatmap is unknown");
        }

        var geometry = pipeline.Ensemble.InputGeometry(radiograph, member);
        if (square.Width != geometry.Size || square.Height != geometry.Size)
        {
            return (null, $"the heatmap is {square.Width}x{square.Height}, the model input {geometry.Size}x{geometry.Size}");
        }

        return (HeatmapProjection.ToSource(square, geometry, grid), null);
    }
}
