namespace TbScreen.Dicom;

/// <summary>A parsed Part 10 file (or bare dataset): file meta, the dataset, and how it was encoded.</summary>
public sealed class DicomFile
{
    public DicomFile(string source, DicomDataset fileMeta, DicomDataset dataset, TransferSyntax transferSyntax, bool hadPreamble)
    {
        Source = source;
        FileMeta = fileMeta;
        Dataset = dataset;
        TransferSyntax = transferSyntax;
        HadPreamble = hadPreamble;
    }

    /// <summary>The path or upload name, used in every error about this file.</summary>
    public string Source { get; }

    public DicomDataset FileMeta { get; }

    public DicomDataset Dataset { get; }

    public TransferSyntax TransferSyntax { get; }

    /// <summary>False for bare datasets (no 128-byte preamble and DICM prefix).</summary>
    public bool HadPreamble { get; }
}

/// <summary>Reads DICOM files. The small seam the rest of the product depends on.</summary>
public interface IDicomReader
{
    DicomFile Read(string path);

    DicomFile Read(Stream stream, string sourceName);
}
