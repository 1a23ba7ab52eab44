using TbScreen.Dicom;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;

/// <summary>A folder of distinct CR chest phantoms at a plate's size (our own generator; no third-party images).</summary>
internal static class FullSizeRadiographs
{
    /// <summary>Writes <paramref name="count"/> Explicit VR Little Endian files, seeds from <paramref name="firstSeed"/>; returns the folder.</summary>
    public static string Write(string folder, int count, int rows, int columns, int firstSeed)
    {
        Directory.CreateDirectory(folder);
        for (int i = 0; i < count; i++)
        {
            var (dataset, _) = SampleDatasets.Create(new SampleSpec(Rows: rows, Columns: columns, Seed: firstSeed + i));
            dataset.AddString(DicomTag.Modality, "CS", "CR").AddString(DicomTag.ViewPosition, "CS", "PA");
            File.WriteAllBytes(Path.Combine(folder, $"cxr-{i:0000}.dcm"), DicomWriter.Write(dataset, TransferSyntax.ExplicitVrLittleEndianUid));
        }

        return folder;
    }
}
