using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Samples;

namespace TbScreen.Dicom.Tests.Fixtures;

/// <summary>Every supported lossless transfer syntax, written by our writer, decodes to the exact stored values.</summary>
public sealed class TransferSyntaxRoundTripTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var (name, _, _) in FixtureFactory.LosslessSyntaxes)
        {
            for (int variant = 0; variant < FixtureFactory.PixelVariants().Count(); variant++)
            {
                data.Add(name, variant);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StoredValuesSurviveWriteAndRead(string syntaxName, int variant)
    {
        var spec = FixtureFactory.PixelVariants().ElementAt(variant);
        var (_, transferSyntaxUid, makeEncoder) = FixtureFactory.LosslessSyntaxes.Single(s => s.Name == syntaxName);
        var encoder = makeEncoder();
        var (bytes, stored) = FixtureFactory.Write(transferSyntaxUid, encoder, spec);

        var file = new DicomReader().Parse(bytes, "fixture.dcm");
        var frame = PixelDataDecoder.Default.DecodeStoredFrame(file);

        Assert.Equal(transferSyntaxUid, file.TransferSyntax.Uid);
        Assert.Equal(spec.Photometric, frame.Pixels.PhotometricInterpretation);
        Assert.Equal(spec.Signed, frame.Pixels.IsSigned);
        Assert.Equal(stored, frame.Values);
    }

    [Fact]
    public void HighBitBelowTopIsShiftedOut()
    {
        // 12 bits stored in bits 13..2 of each 16-bit cell (High Bit 13) with junk in the low bits.
        var (dataset, stored) = SampleDatasets.Create(new SampleSpec(8, 8, BitsStored: 12, Seed: 3));
        var cells = stored.Select(v => (v << 2) | 0b11 | 0xC000).ToArray();
        dataset.Set(new DicomElement(DicomTag.HighBit, "US", new byte[] { 13, 0 }));
        Writing.DicomDatasetExtensions.AddNativePixels(dataset, cells, 16);
        var file = new DicomReader().Parse(Writing.DicomWriter.Write(dataset, TransferSyntax.ExplicitVrLittleEndianUid), "hb.dcm");

        Assert.Equal(stored, PixelDataDecoder.Default.DecodeStoredFrame(file).Values);
    }

    [Fact]
    public void SignedValuesWithJunkAboveBitsStoredAreSignExtended()
    {
        // 12-bit signed values written with garbage in the 4 unused high bits.
        var (dataset, _) = SampleDatasets.Create(new SampleSpec(2, 2, BitsStored: 12, Signed: true));
        int[] expected = [-2048, -1, 0, 2047];
        int[] cells = [0x5800, 0xAFFF, 0x3000, 0x07FF];
        Writing.DicomDatasetExtensions.AddNativePixels(dataset, cells, 16);
        var file = new DicomReader().Parse(Writing.DicomWriter.Write(dataset, TransferSyntax.ExplicitVrLittleEndianUid), "signed.dcm");

        Assert.Equal(expected, PixelDataDecoder.Default.DecodeStoredFrame(file).Values);
    }
}

/// <summary>Lossy syntaxes: decoded values stay within each codec's stated error.</summary>
public sealed class LossyTransferSyntaxTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _, _, _, _) in FixtureFactory.LossySyntaxes)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DecodedValuesStayWithinTheCodecsError(string name)
    {
        var (_, uid, encoder, maxRmseFraction, maxAbsError) = FixtureFactory.LossySyntaxes.Single(s => s.Name == name);
        // Baseline JPEG is 8-bit only; the others are checked at 12 bits.
        var spec = uid == TransferSyntax.JpegBaselineUid
            ? new SampleSpec(96, 80, BitsAllocated: 8, BitsStored: 8, Seed: 41)
            : new SampleSpec(96, 80, BitsStored: 12, Seed: 42, Photometric: "MONOCHROME1");
        var (bytes, stored) = FixtureFactory.Write(uid, encoder(), spec);

        var file = new DicomReader().Parse(bytes, "lossy.dcm");
        var decoded = PixelDataDecoder.Default.DecodeStoredFrame(file).Values;

        Assert.Equal(uid, file.TransferSyntax.Uid);
        double fullScale = (1 << spec.BitsStored) - 1;
        double rmse = Math.Sqrt(stored.Zip(decoded, (a, b) => (double)(a - b) * (a - b)).Average());
        Assert.True(rmse <= maxRmseFraction * fullScale, $"{name}: RMSE {rmse:F2} above {maxRmseFraction:P0} of full scale");
        Assert.True(stored.Zip(decoded, (a, b) => Math.Abs(a - b)).Max() <= maxAbsError);
        if (uid != TransferSyntax.JpegLsNearLosslessUid)
        {
            Assert.NotEqual(0, rmse); // lossy really is lossy (NEAR=2 may legitimately reproduce smooth data exactly)
        }
    }
}
