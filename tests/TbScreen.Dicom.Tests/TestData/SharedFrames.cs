namespace TbScreen.Dicom.Tests.TestData;

/// <summary>Compressed frames of the shared files, located by our own parser.</summary>
internal static class SharedFrames
{
    /// <summary>The compressed bytes of frame 1, found by our parser, for codec-level tests.</summary>
    public static byte[] FirstFrame(string fileName)
    {
        var file = new DicomReader().Read(SharedDicomData.PathOf(fileName));
        return Pixels.FrameSplitter.GetFrame(file.Dataset, file.Dataset[DicomTag.PixelData]!, 0, file.Dataset.GetInt(DicomTag.NumberOfFrames) ?? 1);
    }
}
