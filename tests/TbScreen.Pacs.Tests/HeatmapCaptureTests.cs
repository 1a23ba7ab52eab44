using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Screening.Display;

namespace TbScreen.Pacs.Tests;

/// <summary>
/// The heatmap Secondary Capture: valid for dciodvfy, RGB on the viewer's display grid, the plain radiograph
/// wherever the heatmap is cold, colour where it is hot, and the source image named.
/// </summary>
public sealed class HeatmapCaptureTests(ResultReportTests.Screened screened) : IClassFixture<ResultReportTests.Screened>
{
    [SkippableFact]
    public void The_capture_passes_dciodvfy()
    {
        string? missing = Peers.Missing("dciodvfy", "dicom3tools");
        Skip.If(missing is not null, missing);
        ResultReportTests.AssertValid(ResultReportTests.WriteReport(Capture()));
    }

    [Fact]
    public void Cold_pixels_are_the_radiograph_and_hot_pixels_carry_colour()
    {
        var radiograph = WindowLevelRenderer.Decode(File.ReadAllBytes(screened.SourcePath), "source.dcm");
        var capture = new DicomReader().Parse(HeatmapCapture.Write(Capture()), "sc.dcm").Dataset;
        var grid = DisplayGrid.For(radiograph.Layout.Rows, radiograph.Layout.Columns, 1024);
        Assert.Equal((grid.Rows, grid.Columns), (capture.GetInt(DicomTag.Rows), capture.GetInt(DicomTag.Columns)));
        Assert.Equal(("RGB", "YES", "OT"), (capture.GetString(DicomTag.PhotometricInterpretation), capture.GetString(0x00280301), capture.GetString(DicomTag.Modality)));
        Assert.Equal(screened.Source.GetString(DicomTag.SopInstanceUid), capture.GetSequence(0x00082112).Single().GetString(0x00081155));
        Assert.Equal(screened.Source.GetString(DicomTag.StudyInstanceUid), capture.GetString(DicomTag.StudyInstanceUid));

        byte[] rgb = capture[DicomTag.PixelData]!.Value.ToArray();
        var gray = WindowLevelRenderer.Render(radiograph);
        var (heatmap, _) = HeatmapAlignment.Project(screened.Outcome, radiograph, screened.Pipeline, grid);
        int cold = 0, hot = 0;
        for (int i = 0; i < gray.Pixels.Length; i++)
        {
            float v = heatmap!.Values[i];
            if (v == 0)
            {
                // No heat: exactly the windowed radiograph, grey (R = G = B).
                Assert.Equal((gray.Pixels[i], gray.Pixels[i], gray.Pixels[i]), (rgb[3 * i], rgb[(3 * i) + 1], rgb[(3 * i) + 2]));
                cold++;
            }
            else if (v >= 0.9f)
            {
                // Hot: red dominates whatever the radiograph's grey was.
                Assert.True(rgb[3 * i] > rgb[(3 * i) + 2], $"pixel {i}: {rgb[3 * i]},{rgb[(3 * i) + 1]},{rgb[(3 * i) + 2]} at heat {v}");
                hot++;
            }
        }

        Assert.True(cold > 0 && hot > 0, $"{cold} cold and {hot} hot pixels: the test needs both");
    }

    private Dicom.DicomDataset Capture()
    {
        var radiograph = WindowLevelRenderer.Decode(File.ReadAllBytes(screened.SourcePath), "source.dcm");
        return HeatmapCapture.Build(screened.Source, radiograph, screened.Outcome, screened.Pipeline);
    }
}
