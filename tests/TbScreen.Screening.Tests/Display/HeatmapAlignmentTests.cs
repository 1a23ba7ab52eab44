using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Screening.Display;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Display;

/// <summary>
/// Regression: a heatmap was placed only when the result's whole version equalled the loaded pipeline's, so a result
/// decided with the stability check (or under a site profile) lost its heatmap once the check was turned off. Only the
/// models fix the geometry; other models still refuse.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class HeatmapAlignmentTests(PipelineFixture fixture)
{
    [Fact]
    public void A_result_decided_with_marks_places_its_heatmap_and_other_models_do_not()
    {
        byte[] bytes = RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 41);
        var outcome = fixture.Pipeline.Screen(bytes, "a.dcm");
        var radiograph = new DicomRadiographReader().Read(new MemoryStream(bytes), "a.dcm");
        var grid = DisplayGrid.For(radiograph.Layout.Rows, radiograph.Layout.Columns, 256);

        var (plain, _) = HeatmapAlignment.Project(outcome, radiograph, fixture.Pipeline, grid);
        var (marked, _) = HeatmapAlignment.Project(outcome with { ModelVersion = outcome.ModelVersion + "+site@clinic v3:0.25+stability@0.00784313725490196" }, radiograph, fixture.Pipeline, grid);
        var (other, problem) = HeatmapAlignment.Project(outcome with { ModelVersion = "alexnet@0.0.1+googlenet@0.0.1" }, radiograph, fixture.Pipeline, grid);

        Assert.NotNull(plain);
        Assert.NotNull(marked);
        Assert.Equal(plain!.Values, marked!.Values);
        Assert.Null(other);
        Assert.Contains("the loaded models are", problem);
        Assert.Equal("a@1+b@2", ScreeningPipeline.ModelsOf("a@1+b@2+stability@0.01"));
        Assert.Equal("a@1+b@2", ScreeningPipeline.ModelsOf("a@1+b@2+site@north v1:0.3+stability@0.01"));
        Assert.Equal("a@1+b@2", ScreeningPipeline.ModelsOf("a@1+b@2"));
    }
}
