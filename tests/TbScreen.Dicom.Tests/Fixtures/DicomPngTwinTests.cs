using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;
using TbScreen.Imaging;

namespace TbScreen.Dicom.Tests.Fixtures;

/// <summary>The input contract holds across formats: a DICOM and its PNG twin give the same model tensor.</summary>
public sealed class DicomPngTwinTests
{
    [Theory]
    [InlineData(IntensityStandardisation.None, false)]
    [InlineData(IntensityStandardisation.HistogramEqualisation, true)]
    [InlineData(IntensityStandardisation.Clahe, true)]
    public void DicomAndItsPngTwinGiveTheSameTensor(IntensityStandardisation standardisation, bool cropBorders)
    {
        const int rows = 96, columns = 80;
        var (dataset, stored) = SampleDatasets.Create(new SampleSpec(rows, columns, BitsAllocated: 8, BitsStored: 8, Seed: 61));
        // The PNG loader's window: LINEAR c = 128, w = 256 maps 0..255 onto [0,1] exactly as the DICOM's.
        dataset.Remove(DicomTag.WindowCenter);
        dataset.Remove(DicomTag.WindowWidth);
        dataset.AddDecimal(DicomTag.WindowCenter, 128).AddDecimal(DicomTag.WindowWidth, 256);
        string folder = Directory.CreateTempSubdirectory("twin").FullName;
        string dicomPath = Path.Combine(folder, "twin.dcm");
        string pngPath = Path.Combine(folder, "twin.png");
        File.WriteAllBytes(dicomPath, DicomWriter.Write(dataset, TransferSyntax.JpegLosslessSv1Uid, new DicomWriterOptions { Encoder = new TbScreen.Dicom.Codecs.Jpeg.JpegLosslessEncoder() }));
        File.WriteAllBytes(pngPath, GrayPngWriter.Encode(stored.Select(v => (byte)v).ToArray(), columns, rows));
        var contract = InputContract.Default with { Size = 64, Standardisation = standardisation, CropBorders = cropBorders };

        var fromDicom = RadiographPipeline.ToTensor(RadiographFiles.Load(dicomPath), contract);
        var fromPng = RadiographPipeline.ToTensor(RadiographFiles.Load(pngPath), contract);

        Assert.Equal(3 * 64 * 64, fromDicom.Length);
        Assert.Equal(fromDicom, fromPng);
        Directory.Delete(folder, recursive: true);
    }
}
