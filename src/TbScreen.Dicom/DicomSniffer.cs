using System.Buffers.Binary;

namespace TbScreen.Dicom;

/// <summary>
/// Recognises DICOM by content from the first bytes of a file, so folder walks find DICOM files with or without
/// the `.dcm` extension (PACS exports often have none) without parsing whole files.
/// </summary>
public static class DicomSniffer
{
    /// <summary>How many leading bytes <see cref="IsDicom"/> needs to see: the 128-byte preamble and "DICM".</summary>
    public const int HeadLength = 132;

    /// <summary>
    /// True for a Part 10 file ("DICM" at byte 128) or a plausible bare dataset (no preamble: the same test the
    /// reader applies). <paramref name="fileLength"/> bounds the first element's length in implicit VR.
    /// </summary>
    public static bool IsDicom(ReadOnlySpan<byte> head, long fileLength) =>
        HasPart10Prefix(head) || LooksLikeBareDataset(head, fileLength, out _);

    public static bool HasPart10Prefix(ReadOnlySpan<byte> head) =>
        head.Length >= HeadLength && head.Slice(128, 4).SequenceEqual("DICM"u8);

    /// <summary>
    /// Recognises a dataset without preamble: the first tag must be a plausible low even group
    /// (file meta or identifying groups), and the bytes after it decide explicit or implicit VR.
    /// </summary>
    internal static bool LooksLikeBareDataset(ReadOnlySpan<byte> bytes, long fileLength, out TransferSyntax syntax)
    {
        syntax = TransferSyntax.ImplicitVrLittleEndian;
        if (bytes.Length < 8)
        {
            return false;
        }

        ushort groupLe = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        ushort groupBe = BinaryPrimitives.ReadUInt16BigEndian(bytes);
        bool vrLetters = char.IsAsciiLetterUpper((char)bytes[4]) && char.IsAsciiLetterUpper((char)bytes[5])
                         && DicomVr.IsValid(((char)bytes[4]).ToString() + (char)bytes[5]);
        if (IsPlausibleFirstGroup(groupLe))
        {
            syntax = vrLetters ? TransferSyntax.ExplicitVrLittleEndian : TransferSyntax.ImplicitVrLittleEndian;
            return vrLetters || BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]) <= fileLength;
        }

        if (IsPlausibleFirstGroup(groupBe) && vrLetters)
        {
            syntax = TransferSyntax.ExplicitVrBigEndian;
            return true;
        }

        return false;
    }

    private static bool IsPlausibleFirstGroup(ushort group) => group % 2 == 0 && group >= 0x0002 && group <= 0x0028;
}
