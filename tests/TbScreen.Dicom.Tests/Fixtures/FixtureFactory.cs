using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Rle;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Tests.Fixtures;

/// <summary>Fixture files written by our own code, one per transfer syntax the reader supports.</summary>
public static class FixtureFactory
{
    /// <summary>Lossless transfer syntaxes and the encoder that writes each (null for native).</summary>
    public static IReadOnlyList<(string Uid, Func<IFrameEncoder?> Encoder)> LosslessSyntaxes { get; } =
    [
        (TransferSyntax.ImplicitVrLittleEndianUid, () => null),
        (TransferSyntax.ExplicitVrLittleEndianUid, () => null),
        (TransferSyntax.DeflatedExplicitVrLittleEndianUid, () => null),
        (TransferSyntax.ExplicitVrBigEndianUid, () => null),
        (TransferSyntax.RleLosslessUid, () => new RleEncoder()),
    ];

    public static (byte[] File, int[] Stored) Write(string transferSyntaxUid, IFrameEncoder? encoder, SampleSpec spec, DicomWriterOptions? options = null)
    {
        var (dataset, stored) = SampleDatasets.Create(spec);
        var bytes = DicomWriter.Write(dataset, transferSyntaxUid, (options ?? new DicomWriterOptions()) with { Encoder = encoder });
        return (bytes, stored);
    }

    /// <summary>Small variants covering photometric, signedness and bit depth.</summary>
    public static IEnumerable<SampleSpec> PixelVariants(int rows = 37, int columns = 53)
    {
        yield return new SampleSpec(rows, columns, BitsAllocated: 8, BitsStored: 8, Seed: 11);
        yield return new SampleSpec(rows, columns, BitsAllocated: 16, BitsStored: 12, Seed: 12, Photometric: "MONOCHROME1");
        yield return new SampleSpec(rows, columns, BitsAllocated: 16, BitsStored: 16, Seed: 13);
        yield return new SampleSpec(rows, columns, BitsAllocated: 16, BitsStored: 12, Signed: true, Seed: 14);
        yield return new SampleSpec(rows, columns, BitsAllocated: 16, BitsStored: 16, Signed: true, Seed: 15, Photometric: "MONOCHROME1");
    }
}
