using TbScreen.Dicom.Codecs;

namespace TbScreen.Dicom.Writing;

/// <summary>How <see cref="DicomWriter"/> lays out a file; the defaults write a conventional Part 10 file.</summary>
public sealed record DicomWriterOptions
{
    /// <summary>Write the 128-byte preamble, DICM and file meta; false writes a bare dataset.</summary>
    public bool Preamble { get; init; } = true;

    /// <summary>Write sequences and items with undefined length and delimiters.</summary>
    public bool UndefinedLengthSequences { get; init; } = true;

    /// <summary>Pad odd-length values to even length as the standard requires; false writes them odd (for tests).</summary>
    public bool PadOddLengths { get; init; } = true;

    /// <summary>Encoder for encapsulated transfer syntaxes (required for them).</summary>
    public IFrameEncoder? Encoder { get; init; }

    /// <summary>Split each compressed frame into fragments of at most this many bytes (0: one fragment).</summary>
    public int FragmentSize { get; init; }

    /// <summary>Fill the Basic Offset Table for encapsulated data.</summary>
    public bool BasicOffsetTable { get; init; } = true;
}
