using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Jpeg;
using TbScreen.Dicom.Codecs.Native;
using TbScreen.Dicom.Codecs.Rle;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Tests.Fixtures;

/// <summary>Fixture files written by our own code, one per transfer syntax the reader supports.</summary>
public static class FixtureFactory
{
    /// <summary>Lossless transfer syntaxes and the encoder that writes each (null for native).</summary>
    public static IReadOnlyList<(string Name, string Uid, Func<IFrameEncoder?> Encoder)> LosslessSyntaxes { get; } =
    [
        ("implicit-le", TransferSyntax.ImplicitVrLittleEndianUid, () => null),
        ("explicit-le", TransferSyntax.ExplicitVrLittleEndianUid, () => null),
        ("deflated", TransferSyntax.DeflatedExplicitVrLittleEndianUid, () => null),
        ("explicit-be", TransferSyntax.ExplicitVrBigEndianUid, () => null),
        ("rle", TransferSyntax.RleLosslessUid, () => new RleEncoder()),
        ("jpeg2000-lossless", TransferSyntax.Jpeg2000LosslessUid, () => new OpenJpegEncoder(lossless: true)),
        ("jpeg-ls-lossless", TransferSyntax.JpegLsLosslessUid, () => new CharLsEncoder(nearLossless: 0)),
        .. Enumerable.Range(1, 7).Select(p => ($"jpeg-lossless-sv{p}", p == 1 ? TransferSyntax.JpegLosslessSv1Uid : TransferSyntax.JpegLosslessUid, (Func<IFrameEncoder?>)(() => new JpegLosslessEncoder(p)))),
    ];

    public static (byte[] File, int[] Stored) Write(string transferSyntaxUid, IFrameEncoder? encoder, SampleSpec spec, DicomWriterOptions? options = null)
    {
        var (dataset, stored) = SampleDatasets.Create(spec);
        var bytes = DicomWriter.Write(dataset, transferSyntaxUid, (options ?? new DicomWriterOptions()) with { Encoder = encoder });
        return (bytes, stored);
    }

    /// <summary>
    /// A 12-bit MONOCHROME1 radiograph written with <paramref name="encoder"/> must read (layout and stored pixels) as its
    /// Explicit VR Little Endian twin does: what every lossless codec owes the screening pipeline.
    /// </summary>
    public static void AssertReadsAsNativeTwin(string transferSyntaxUid, IFrameEncoder encoder)
    {
        var spec = new SampleSpec(120, 100, BitsStored: 12, Seed: 8, Photometric: "MONOCHROME1");
        var (compressed, _) = Write(transferSyntaxUid, encoder, spec);
        var (native, _) = Write(TransferSyntax.ExplicitVrLittleEndianUid, null, spec);
        var reader = new DicomRadiographReader();

        var fromCodec = reader.Read(new MemoryStream(compressed), "compressed.dcm");
        var fromNative = reader.Read(new MemoryStream(native), "native.dcm");

        Assert.Equal(fromNative.Layout, fromCodec.Layout);
        Assert.Equal(fromNative.StoredPixels, fromCodec.StoredPixels);
    }

    /// <summary>Lossy transfer syntaxes, their encoders, and the largest error allowed relative to full scale.</summary>
    public static IReadOnlyList<(string Name, string Uid, Func<IFrameEncoder> Encoder, double MaxRmseFraction, int MaxAbsError)> LossySyntaxes { get; } =
    [
        ("jpeg-baseline", TransferSyntax.JpegBaselineUid, () => new JpegBaselineEncoder(quality: 90), 0.02, int.MaxValue),
        ("jpeg2000-lossy", TransferSyntax.Jpeg2000Uid, () => new OpenJpegEncoder(lossless: false, compressionRatio: 8), 0.02, int.MaxValue),
        ("jpeg-ls-near2", TransferSyntax.JpegLsNearLosslessUid, () => new CharLsEncoder(nearLossless: 2), 0.01, 2),
    ];

    /// <summary>Small variants covering photometric, signedness and bit depth.</summary>
    public static IEnumerable<SampleSpec> PixelVariants(int rows = 37, int columns = 53)
    {
        yield return new SampleSpec(rows, columns, BitsAllocated: 8, BitsStored: 8, Seed: 11);
        yield return new SampleSpec(rows, columns, BitsAllocated: 16, BitsStored: 12, Seed: 12, Photometric: "MONOCHROME1");
        yield return new SampleSpec(rows, columns, BitsAllocated: 16, BitsStored: 16, Seed: 13);
        yield return new SampleSpec(rows, columns, BitsAllocated: 16, BitsStored: 12, Signed: true, Seed: 14);
        yield return new SampleSpec(rows, columns, BitsAllocated: 16, BitsStored: 16, Signed: true, Seed: 15, Photometric: "MONOCHROME1");
    }

    /// <summary>The indices of the unsigned <see cref="PixelVariants"/>: what codecs that code unsigned samples only get.</summary>
    public static IEnumerable<int> UnsignedVariantIndices() =>
        PixelVariants().Select((spec, index) => (spec, index)).Where(v => !v.spec.Signed).Select(v => v.index);
}
