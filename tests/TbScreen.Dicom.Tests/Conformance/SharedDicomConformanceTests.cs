using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Tests.TestData;

namespace TbScreen.Dicom.Tests.Conformance;

/// <summary>
/// Every file in ../shared/data/dicom must decode to its independent reference: lossless files
/// bit-exact, lossy files within the tolerance stated below. A mismatch fails; a missing folder skips (fails under CI=true).
/// </summary>
public sealed class SharedDicomConformanceTests
{
    // Lossy files: decoders may round IDCT/wavelet outputs differently. We accept an RMSE of at most
    // 1.5 stored units and at most 0.01% of samples off by more than 8 (lossy overshoot pixels that
    // the reference masks to 0, e.g. RG3_JPLY's eight 1024s, land there if a decoder clamps).
    private const double LossyMaxRmse = 1.5;
    private const double LossyMaxOutlierFraction = 1e-4;
    private const int LossyOutlierThreshold = 8;

    public static TheoryData<string> Files() => ReferenceCase.FileNames();

    [SkippableFact]
    public void SharedFolderHoldsTheDocumentedThirteenFiles()
    {
        var cases = ReferenceCase.Load();
        Assert.Equal(13, cases.Count);
        Assert.All(cases, c => Assert.True(File.Exists(SharedDicomData.PathOf(c.File)), c.File));
    }

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void DecodesToReferencePixels(string fileName)
    {
        var reference = ReferenceCase.Load().Single(c => c.File == fileName);
        var file = new DicomReader().Read(SharedDicomData.PathOf(fileName));
        var expected = reference.LoadReference();

        Assert.Equal(reference.Rows, file.Dataset.GetInt(DicomTag.Rows));
        Assert.Equal(reference.Columns, file.Dataset.GetInt(DicomTag.Columns));
        if (reference.TransferSyntaxUid.StartsWith("1.2", StringComparison.Ordinal))
        {
            Assert.Equal(reference.TransferSyntaxUid, file.TransferSyntax.Uid);
        }
        else
        {
            Assert.False(file.HadPreamble);
            Assert.Equal(TransferSyntax.ImplicitVrLittleEndianUid, file.TransferSyntax.Uid);
        }

        var actual = new List<int>();
        for (int frame = 0; frame < reference.FramesInRef; frame++)
        {
            var decoded = PixelDataDecoder.Default.DecodeStoredFrame(file, frame);
            Assert.Equal(reference.Photometric, decoded.Pixels.PhotometricInterpretation);
            Assert.Equal(reference.BitsStored, decoded.Pixels.BitsStored);
            actual.AddRange(decoded.Values);
        }

        Assert.Equal(expected.Length, actual.Count);
        if (!reference.Lossy)
        {
            int firstMismatch = Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected[i] != actual[i], -1);
            Assert.True(firstMismatch < 0, $"{fileName}: first mismatch at sample {firstMismatch}: expected {(firstMismatch < 0 ? 0 : expected[firstMismatch])}, got {(firstMismatch < 0 ? 0 : actual[firstMismatch])}");
            return;
        }

        double sumSquares = 0;
        int outliers = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            int diff = Math.Abs(expected[i] - actual[i]);
            sumSquares += (double)diff * diff;
            outliers += diff > LossyOutlierThreshold ? 1 : 0;
        }

        double rmse = Math.Sqrt(sumSquares / expected.Length);
        Assert.True(rmse <= LossyMaxRmse, $"{fileName}: RMSE {rmse:F3} > {LossyMaxRmse}");
        Assert.True(outliers <= expected.Length * LossyMaxOutlierFraction, $"{fileName}: {outliers} samples differ by more than {LossyOutlierThreshold}");
    }
}
