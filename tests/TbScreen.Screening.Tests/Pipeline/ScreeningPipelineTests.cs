using System.Security.Cryptography;
using TbScreen.Dicom;
using TbScreen.Dicom.Writing;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Pipeline;

[Collection(PipelineCollection.Name)]
public sealed class ScreeningPipelineTests(PipelineFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    private ScreeningPipeline Pipeline => fixture.Pipeline;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ModelVersionNamesEveryBundleAndItsVersion() =>
        Assert.Equal("alexnet@2.0.0+googlenet@2.0.0", Pipeline.ModelVersion);

    [Theory]
    [InlineData(TransferSyntax.ExplicitVrLittleEndianUid)]
    [InlineData(TransferSyntax.ImplicitVrLittleEndianUid)]
    [InlineData(TransferSyntax.ExplicitVrBigEndianUid)]
    [InlineData(TransferSyntax.DeflatedExplicitVrLittleEndianUid)]
    [InlineData(TransferSyntax.RleLosslessUid)]
    [InlineData(TransferSyntax.JpegLosslessSv1Uid)]
    public void PhantomChestInEverySyntaxIsScreened(string syntax)
    {
        var bytes = RadiographFixtures.Dicom(syntax);
        var outcome = Pipeline.Screen(Write("chest.dcm", bytes));

        Assert.Equal(ScreeningStatus.Ok, outcome.Status);
        Assert.Null(outcome.Error);
        Assert.Equal(RadiographFixtures.SopOf(1), outcome.SopInstanceUid);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), outcome.ContentSha256);
        Assert.InRange(outcome.EnsembleProbability!.Value, 0, 1);
        Assert.NotNull(outcome.AlexNetProbability);
        Assert.NotNull(outcome.GoogLeNetProbability);
        Assert.Contains(outcome.Decision, new[] { "tb", "not-tb" });
        // The small phantom may also lack a plausible pair of lungs for the lung check.
        Assert.True(outcome.Flag == "none" || outcome.Flag!.Split('+').All(f => f is "disagreement" or "uncertain" or "lungs-not-found"), outcome.Flag);
        Assert.False(string.IsNullOrEmpty(outcome.FlagReason));
        Assert.Equal(Pipeline.ModelVersion, outcome.ModelVersion);
        Assert.NotNull(outcome.Heatmap);
        Assert.NotNull(outcome.Timings);
        Assert.NotNull(outcome.IngestTime);
        Assert.True(outcome.Elapsed > TimeSpan.Zero);
        Assert.Equal("CR", outcome.Metadata!.Modality);
        Assert.Null(outcome.Metadata.PatientBirthDate); // outcomes leave the birth date behind
        Assert.False(outcome.FromStore);
    }

    public static TheoryData<string> LosslessEncodings() => new(RadiographFixtures.LosslessEncodings.Keys);

    public static TheoryData<string> LossyEncodings() => new(RadiographFixtures.LossyEncodings.Keys);

    /// <summary>
    /// A lossless syntax carries the very stored values, so everything downstream must be bit for bit that of
    /// explicit VR little endian: a decoder that is off by one grey level anywhere shows up here.
    /// </summary>
    [Theory]
    [MemberData(nameof(LosslessEncodings))]
    public void LosslessSyntaxGivesExactlyTheProbabilitiesAndHeatmapOfExplicitLittleEndian(string encoding)
    {
        var baseline = Pipeline.Screen(Write("explicit-le.dcm", RadiographFixtures.Encoded("explicit-le")));
        byte[] bytes = RadiographFixtures.Encoded(encoding);
        Assert.Equal(RadiographFixtures.LosslessEncodings[encoding].Uid, new DicomReader().Parse(bytes, encoding).TransferSyntax.Uid);

        var outcome = Pipeline.Screen(Write(encoding + ".dcm", bytes));

        Assert.Equal(ScreeningStatus.Ok, outcome.Status);
        Assert.Equal(Bits(baseline.EnsembleProbability!.Value), Bits(outcome.EnsembleProbability!.Value));
        Assert.Equal(baseline.MemberProbabilities!.Select(m => (m.Key, Bits(m.Value))), outcome.MemberProbabilities!.Select(m => (m.Key, Bits(m.Value))));
        Assert.Equal((baseline.Decision, baseline.Flag), (outcome.Decision, outcome.Flag));
        Assert.Equal((baseline.Heatmap!.Width, baseline.Heatmap.Height), (outcome.Heatmap!.Width, outcome.Heatmap.Height));
        Assert.Equal(baseline.Heatmap.Values.Select(BitConverter.SingleToInt32Bits), outcome.Heatmap.Values.Select(BitConverter.SingleToInt32Bits));
    }

    /// <summary>
    /// Lossy syntaxes are exempt from exactness. On this small off-distribution phantom they move the probability a
    /// lot (JPEG 2000 at ratio 8: 0.23 to 0.04), so only the call is held: both sit far below the 0.90 threshold.
    /// </summary>
    [Theory]
    [MemberData(nameof(LossyEncodings))]
    public void LossySyntaxGivesTheCallOfExplicitLittleEndian(string encoding)
    {
        bool eightBit = encoding == "jpeg-baseline";
        var baseline = Pipeline.Screen(Write("explicit-le.dcm", RadiographFixtures.Encoded("explicit-le", eightBit)));
        var outcome = Pipeline.Screen(Write(encoding + ".dcm", RadiographFixtures.Encoded(encoding, eightBit)));

        Assert.Equal(ScreeningStatus.Ok, outcome.Status);
        Assert.Equal(baseline.Decision, outcome.Decision);
    }

    [Theory]
    [InlineData("Modality", "CT")]
    [InlineData("Modality", "MR")]
    [InlineData("BodyPart", "KNEE")]
    [InlineData("BodyPart", "SKULL")]
    [InlineData("View", "LL")]
    [InlineData("View", "RL")]
    [InlineData("View", "LATERAL")]
    [InlineData("View", "LAT")]
    [InlineData("Intent", "FOR PROCESSING")]
    [InlineData("SopClass", "1.2.840.10008.5.1.4.1.1.1.1.1")] // Digital X-Ray Image Storage - For Processing
    public void NonChestDicomIsNotChestXray(string attribute, string value)
    {
        var outcome = Pipeline.Screen(Write("other.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, ds => Edit(ds, attribute, value))));

        Assert.Equal(ScreeningStatus.NotChestXray, outcome.Status);
        Assert.Contains(value, outcome.Error);
        Assert.Null(outcome.EnsembleProbability);
        Assert.Equal(RadiographFixtures.SopOf(1), outcome.SopInstanceUid);
    }

    /// <summary>
    /// Objects that never hold pixels sit beside the images in what hospitals send (a CD's DICOMDIR, reports, key
    /// objects): named for what they are, as not-chest-xray, not as broken DICOM.
    /// </summary>
    [Theory]
    [InlineData("1.2.840.10008.1.3.10", "", "a DICOMDIR")]
    [InlineData("1.2.840.10008.5.1.4.1.1.88.33", "SR", "a structured report")]
    [InlineData("1.2.840.10008.5.1.4.1.1.88.59", "KO", "a key object selection document")]
    [InlineData("1.2.840.10008.5.1.4.1.1.104.1", "DOC", "an encapsulated document")]
    public void Objects_without_pixels_are_named_not_an_image(string sopClass, string modality, string kind)
    {
        byte[] file = RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, ds =>
        {
            ds.Remove(DicomTag.PixelData);
            ds.AddString(DicomTag.SopClassUid, "UI", sopClass);
            ds.AddString(DicomTag.Modality, "CS", modality);
        });

        var outcome = Pipeline.Screen(Write("object.dcm", file));

        Assert.Equal(ScreeningStatus.NotChestXray, outcome.Status);
        Assert.StartsWith($"{kind}", outcome.Error);
        Assert.EndsWith($"(SOP class {sopClass}): not an image", outcome.Error);
    }

    [Fact]
    public void A_radiograph_without_its_pixels_is_still_invalid_dicom()
    {
        byte[] file = RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, ds => ds.Remove(DicomTag.PixelData));

        var outcome = Pipeline.Screen(Write("no-pixels.dcm", file));

        Assert.Equal(ScreeningStatus.InvalidDicom, outcome.Status);
        Assert.Contains("no Pixel Data (7FE0,0010) element", outcome.Error);
    }

    [Theory]
    [InlineData("Modality", "DX")]
    [InlineData("BodyPart", "chest")]
    [InlineData("BodyPart", "THORAX")]
    [InlineData("BodyPart", "LUNG")]
    [InlineData("View", "AP")]
    [InlineData("BodyPart", "")]
    public void ChestVariantsAndAbsentTagsAreScreened(string attribute, string value)
    {
        var outcome = Pipeline.Screen(Write("dx.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, ds => Edit(ds, attribute, value))));
        Assert.Equal(ScreeningStatus.Ok, outcome.Status);
    }

    [Fact]
    public void UnknownTransferSyntaxIsUnsupported()
    {
        var outcome = Pipeline.Screen(Write("j2k-part2.dcm", RadiographFixtures.UnknownSyntax()));
        Assert.Equal(ScreeningStatus.UnsupportedTransferSyntax, outcome.Status);
        Assert.Contains("1.2.840.10008.1.2.9", outcome.Error);
    }

    [Fact]
    public void TruncatedDicomIsInvalid()
    {
        var outcome = Pipeline.Screen(Write("cut.dcm", RadiographFixtures.Truncated()));
        Assert.Equal(ScreeningStatus.InvalidDicom, outcome.Status);
        Assert.NotNull(outcome.ContentSha256);
    }

    [Fact]
    public void PngIsScreenedWithoutDicomRules()
    {
        var outcome = Pipeline.Screen(Write("chest.png", RadiographFixtures.Png()));
        Assert.Equal(ScreeningStatus.Ok, outcome.Status);
        Assert.Null(outcome.SopInstanceUid);
        Assert.NotNull(outcome.Heatmap);
    }

    [Fact]
    public void DicomWithoutExtensionIsFoundByContent()
    {
        var outcome = Pipeline.Screen(Write("IM000001", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid)));
        Assert.Equal(ScreeningStatus.Ok, outcome.Status);
    }

    [Theory]
    [InlineData("notes.txt")]
    [InlineData("bad.png")]
    [InlineData("empty.dcm")]
    public void NonImagesAreUnreadable(string name)
    {
        byte[] bytes = name switch
        {
            "notes.txt" => RadiographFixtures.Text(),
            "bad.png" => RadiographFixtures.CorruptPng(),
            _ => [],
        };
        var outcome = Pipeline.Screen(Write(name, bytes));
        Assert.Equal(ScreeningStatus.UnreadableImage, outcome.Status);
        Assert.DoesNotContain("   at ", outcome.Error); // a message, never a stack trace
    }

    [Fact]
    public void MissingFileIsUnreadable() =>
        Assert.Equal(ScreeningStatus.UnreadableImage, Pipeline.Screen(_dir.File("nope.dcm")).Status);

    [Fact]
    public void OversizedInputIsRefusedBeforeParsing()
    {
        using var small = new ScreeningPipeline(Pipeline.Ensemble, new ScreeningOptions { MaxFileBytes = 1000 });
        var outcome = small.Screen(Write("big.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid)));
        Assert.Equal(ScreeningStatus.UnreadableImage, outcome.Status);
        Assert.Contains("limit", outcome.Error);
    }

    [Fact]
    public void StreamAndPathAgree()
    {
        var bytes = RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid);
        var fromPath = Pipeline.Screen(Write("a.dcm", bytes));
        using var stream = new MemoryStream(bytes);
        var fromStream = Pipeline.Screen(stream, "upload.dcm");
        Assert.Equal("upload.dcm", fromStream.Source);
        Assert.Equal(fromPath.EnsembleProbability, fromStream.EnsembleProbability);
        Assert.Equal(fromPath.ContentSha256, fromStream.ContentSha256);
    }

    [Fact]
    public void OneInstanceServesParallelWorkers()
    {
        string path = Write("shared.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid));
        var outcomes = new ScreeningOutcome[8];
        Parallel.For(0, outcomes.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => outcomes[i] = Pipeline.Screen(path));
        Assert.All(outcomes, o => Assert.Equal(outcomes[0].EnsembleProbability, o.EnsembleProbability));
    }

    [Fact]
    public void CancellationIsNotReportedAsAFailure()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Pipeline.Screen(Write("c.dcm", RadiographFixtures.Text()), cts.Token));
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    private string Write(string name, byte[] bytes)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void Edit(DicomDataset ds, string attribute, string value)
    {
        if (attribute == "SopClass")
        {
            ds.AddString(DicomTag.SopClassUid, "UI", value);
            return;
        }

        uint tag = attribute switch
        {
            "Modality" => DicomTag.Modality,
            "BodyPart" => DicomTag.BodyPartExamined,
            "Intent" => DicomTag.PresentationIntentType,
            _ => DicomTag.ViewPosition,
        };
        ds.AddString(tag, "CS", value);
    }
}
