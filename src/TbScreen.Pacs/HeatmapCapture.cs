using System.Globalization;
using System.Text;
using TbScreen.Dicom;
using TbScreen.Dicom.Writing;
using TbScreen.Imaging;
using TbScreen.Inference.Heatmaps;
using TbScreen.Screening;
using TbScreen.Screening.Display;

namespace TbScreen.Pacs;

/// <summary>
/// The radiograph with its heatmap laid over it, as a Secondary Capture (1.2.840.10008.5.1.4.1.1.7) for PACS:
/// RGB, 8 bits, the radiograph at its default window on the viewer's display grid, the heatmap blended by the
/// viewer's colour ramp and opacity. Burned In Annotation YES; same patient and study, a new series, and a Source
/// Image Sequence naming the radiograph. A viewer that knows nothing of TbScreen shows where the model looked.
/// </summary>
public static class HeatmapCapture
{
    public const string SecondaryCaptureClassUid = "1.2.840.10008.5.1.4.1.1.7";

    /// <param name="source">The screened radiograph's dataset.</param>
    /// <param name="radiograph">The same radiograph, decoded.</param>
    /// <param name="outcome">Its result, with a heatmap from <paramref name="pipeline"/>'s models.</param>
    /// <param name="maxSize">Longest side of the capture (the radiograph is subsampled by a whole step to fit).</param>
    public static DicomDataset Build(DicomDataset source, Radiograph radiograph, ScreeningOutcome outcome, ScreeningPipeline pipeline, int maxSize = 1024, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var grid = DisplayGrid.For(radiograph.Layout.Rows, radiograph.Layout.Columns, maxSize);
        var (heatmap, problem) = HeatmapAlignment.Project(outcome, radiograph, pipeline, grid);
        if (heatmap is null)
        {
            throw new ArgumentException($"no capture: {problem}", nameof(outcome));
        }

        var gray = WindowLevelRenderer.Render(radiograph, maxSize: maxSize);
        byte[] rgb = Blend(gray, heatmap);

        string sourceClass = ValueRepair.Clean("UI", source.GetString(SrTags.SopClassUid)) ?? throw new ArgumentException("the source has no valid SOP Class UID", nameof(source));
        string sourceInstance = ValueRepair.Clean("UI", source.GetString(SrTags.SopInstanceUid)) ?? throw new ArgumentException("the source has no valid SOP Instance UID", nameof(source));
        var moment = (now ?? DateTimeOffset.UtcNow).ToUniversalTime();
        var capture = new DicomDataset(textEncoding: Encoding.UTF8);
        capture.AddString(SrTags.SpecificCharacterSet, "CS", "ISO_IR 192");
        capture.AddString(0x00080008, "CS", "DERIVED\\SECONDARY");
        capture.AddString(SrTags.SopClassUid, "UI", SecondaryCaptureClassUid);
        capture.AddString(SrTags.SopInstanceUid, "UI", UidGenerator.New());
        capture.AddString(SrTags.InstanceCreationDate, "DA", moment.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        capture.AddString(SrTags.InstanceCreationTime, "TM", moment.ToString("HHmmss", CultureInfo.InvariantCulture));
        SourceModules.CopyPatientAndStudy(source, capture);

        // General Series, SC Equipment, General Equipment.
        capture.AddString(SrTags.Modality, "CS", "OT");
        capture.AddString(SrTags.SeriesInstanceUid, "UI", UidGenerator.New());
        capture.AddString(SrTags.SeriesNumber, "IS", "9902");
        capture.AddString(SrTags.SeriesDescription, "LO", "TbScreen heatmap (research use only)");
        // Laterality (type 2C): a chest is not a paired structure, so empty.
        capture.AddString(0x00200060, "CS", "");
        capture.AddString(0x00080064, "CS", "WSD");
        capture.AddString(SrTags.Manufacturer, "LO", "TbScreen");
        capture.AddString(SrTags.SoftwareVersions, "LO", outcome.ModelVersion.Length <= 64 ? outcome.ModelVersion : outcome.ModelVersion[..64]);

        // General Image, with where it came from and what is burned in.
        capture.AddString(SrTags.InstanceNumber, "IS", "1");
        capture.AddString(0x00200020, "CS", "");
        capture.AddString(SrTags.ContentDate, "DA", moment.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        capture.AddString(SrTags.ContentTime, "TM", moment.ToString("HHmmss", CultureInfo.InvariantCulture));
        capture.AddString(0x00082111, "ST", $"CAM heatmap of {Fit(outcome.ModelVersion, 200)} over the radiograph; research use only, not a medical device");
        capture.AddSequence(0x00082112, new DicomDataset()
            .AddString(SrTags.ReferencedSopClassUid, "UI", sourceClass)
            .AddString(SrTags.ReferencedSopInstanceUid, "UI", sourceInstance));
        capture.AddString(0x00280301, "CS", "YES");
        capture.AddString(0x00282110, "CS", "00");

        // Image Pixel: interleaved RGB, 8 bits.
        capture.AddUInt16(0x00280002, 3);
        capture.AddString(0x00280004, "CS", "RGB");
        capture.AddUInt16(0x00280006, 0);
        capture.AddUInt16(0x00280010, (ushort)gray.Height);
        capture.AddUInt16(0x00280011, (ushort)gray.Width);
        capture.AddUInt16(0x00280100, 8);
        capture.AddUInt16(0x00280101, 8);
        capture.AddUInt16(0x00280102, 7);
        capture.AddUInt16(0x00280103, 0);
        capture.AddBytes(DicomTag.PixelData, "OB", rgb);
        return capture;
    }

    /// <summary>The capture as a Part 10 file in Explicit VR Little Endian.</summary>
    public static byte[] Write(DicomDataset capture) => DicomWriter.Write(capture, TransferSyntax.ExplicitVrLittleEndianUid);

    /// <summary>out = gray (1 - a) + colour a, per pixel, with the viewer's ramp and opacity.</summary>
    internal static byte[] Blend(RenderedImage gray, Heatmap heatmap)
    {
        if (heatmap.Width != gray.Width || heatmap.Height != gray.Height)
        {
            throw new ArgumentException($"heatmap {heatmap.Width}x{heatmap.Height} does not match the image {gray.Width}x{gray.Height}", nameof(heatmap));
        }

        var rgb = new byte[gray.Pixels.Length * 3];
        for (int i = 0; i < gray.Pixels.Length; i++)
        {
            var (r, g, b, a) = HeatmapColours.Colour(heatmap.Values[i]);
            float v = gray.Pixels[i];
            rgb[3 * i] = Mix(v, r, a);
            rgb[(3 * i) + 1] = Mix(v, g, a);
            rgb[(3 * i) + 2] = Mix(v, b, a);
        }

        return rgb;
    }

    private static byte Mix(float gray, float colour, float alpha) =>
        (byte)Math.Clamp(MathF.Round((gray * (1 - alpha)) + (colour * 255 * alpha)), 0, 255);

    private static string Fit(string text, int max) => text.Length <= max ? text : text[..max];
}
