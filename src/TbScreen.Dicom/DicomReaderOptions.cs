namespace TbScreen.Dicom;

/// <summary>Limits that keep a hostile or broken file from exhausting memory or the stack.</summary>
public sealed record DicomReaderOptions
{
    /// <summary>Largest file read into memory.</summary>
    public long MaxFileBytes { get; init; } = 1L << 30;

    /// <summary>Largest dataset a Deflated file may inflate to (guards against zip bombs): 256 MB, seven times a 4300 x 4300 16-bit radiograph.</summary>
    public long MaxInflatedBytes { get; init; } = 256L << 20;

    /// <summary>Deepest sequence nesting accepted.</summary>
    public int MaxSequenceDepth { get; init; } = 32;

    public static DicomReaderOptions Default { get; } = new();
}
