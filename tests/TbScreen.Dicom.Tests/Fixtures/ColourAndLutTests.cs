using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;
using TbScreen.Imaging;

namespace TbScreen.Dicom.Tests.Fixtures;

/// <summary>RGB native data (both planar configurations, deflated too) and LUT descriptor edge cases.</summary>
public sealed class ColourAndLutTests
{
    private static (DicomDataset Dataset, int[] Interleaved, int[] Stored) RgbDataset(int planar)
    {
        const int rows = 6, columns = 5;
        var (ds, _) = SampleDatasets.Create(new SampleSpec(rows, columns, BitsAllocated: 8, BitsStored: 8));
        var interleaved = new int[rows * columns * 3];
        for (int i = 0; i < rows * columns; i++)
        {
            interleaved[3 * i] = (i * 7) % 256;
            interleaved[3 * i + 1] = (i * 13 + 50) % 256;
            interleaved[3 * i + 2] = (i * 29 + 100) % 256;
        }

        var stored = planar == 0
            ? interleaved
            : Enumerable.Range(0, 3).SelectMany(c => Enumerable.Range(0, rows * columns).Select(i => interleaved[3 * i + c])).ToArray();
        ds.AddUInt16(DicomTag.SamplesPerPixel, 3).AddString(DicomTag.PhotometricInterpretation, "CS", "RGB")
          .AddUInt16(DicomTag.PlanarConfiguration, (ushort)planar).AddNativePixels(stored, 8);
        ds.Remove(DicomTag.WindowCenter);
        ds.Remove(DicomTag.WindowWidth);
        return (ds, interleaved, stored);
    }

    [Theory]
    [InlineData(0, TransferSyntax.DeflatedExplicitVrLittleEndianUid)]
    [InlineData(1, TransferSyntax.DeflatedExplicitVrLittleEndianUid)]
    [InlineData(1, TransferSyntax.ExplicitVrBigEndianUid)]
    public void RgbStoredValuesKeepThePlanarOrderAndTheRadiographIsInterleaved(int planar, string syntax)
    {
        var (ds, interleaved, expectedStored) = RgbDataset(planar);
        var file = new DicomReader().Parse(DicomWriter.Write(ds, syntax), "rgb.dcm");

        var stored = PixelDataDecoder.Default.DecodeStoredFrame(file).Values;
        var radiograph = new DicomRadiographReader().ToRadiograph(file);

        Assert.Equal(expectedStored, stored);
        Assert.Equal(planar == 0, expectedStored.SequenceEqual(interleaved));
        Assert.Equal(interleaved, radiograph.StoredPixels);
        Assert.Equal(("RGB", 3), (radiograph.Layout.PhotometricInterpretation, radiograph.Layout.SamplesPerPixel));
        var gray = RadiographPipeline.ToUnitGray(radiograph);
        Assert.Equal(Luma.FromRgb(interleaved[0], interleaved[1], interleaved[2]) / 255.0, gray[0], 3);
    }

    [Fact]
    public void LutDescriptorCountsAboveSignedRangeAreUnsigned()
    {
        // 40000 entries written as SS reads back as -25536; the count must still be 40000.
        const int entries = 40000;
        var data = new byte[entries * 2];
        for (int i = 0; i < entries; i++)
        {
            BitConverter.GetBytes((ushort)(i / 10)).CopyTo(data, 2 * i);
        }

        var item = new DicomDataset().AddBytes(DicomTag.LutDescriptor, "SS", [0x40, 0x9C, 0x00, 0x80, 16, 0]).AddBytes(DicomTag.LutData, "OW", data);
        var table = DicomLuts.ReadTable(item, signedInput: true)!;

        Assert.Equal(entries, table.Entries.Length);
        Assert.Equal(-32768, table.FirstMappedValue);
        Assert.Equal(3999, table.Map(7232)); // (7232 + 32768) / 10
    }
}
