using System.Buffers.Binary;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Network;

/// <summary>
/// Converts between Part 10 files and the bare data sets that travel on an association (PS3.10 7.1): the file meta
/// is local to files, never sent.
/// </summary>
internal static class Part10File
{
    private const int PreambleLength = 128;

    public static byte[] Compose(string sopClassUid, string sopInstanceUid, string transferSyntaxUid, string? sourceAeTitle, ReadOnlySpan<byte> dataSet)
    {
        var meta = new DicomDataset()
            .AddBytes(0x00020001, "OB", [0, 1])
            .AddString(DicomTag.MediaStorageSopClassUid, "UI", sopClassUid)
            .AddString(DicomTag.MediaStorageSopInstanceUid, "UI", sopInstanceUid)
            .AddString(DicomTag.TransferSyntaxUid, "UI", transferSyntaxUid)
            .AddString(DicomTag.ImplementationClassUid, "UI", DicomUids.ImplementationClassUid)
            .AddString(0x00020013, "SH", DicomUids.ImplementationVersionName);
        if (sourceAeTitle is not null)
        {
            meta.AddString(0x00020016, "AE", sourceAeTitle);
        }

        var bare = new DicomWriterOptions { Preamble = false };
        byte[] group = DicomWriter.Write(meta, TransferSyntax.ExplicitVrLittleEndianUid, bare);
        var lengthValue = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(lengthValue, (uint)group.Length);
        byte[] groupLength = DicomWriter.Write(new DicomDataset().AddBytes(DicomTag.FileMetaInformationGroupLength, "UL", lengthValue), TransferSyntax.ExplicitVrLittleEndianUid, bare);

        var file = new byte[PreambleLength + 4 + groupLength.Length + group.Length + dataSet.Length];
        "DICM"u8.CopyTo(file.AsSpan(PreambleLength));
        groupLength.CopyTo(file, PreambleLength + 4);
        group.CopyTo(file, PreambleLength + 4 + groupLength.Length);
        dataSet.CopyTo(file.AsSpan(PreambleLength + 4 + groupLength.Length + group.Length));
        return file;
    }

    /// <summary>
    /// Where the data set starts in a file our reader accepted: after the preamble and the group 0002 elements
    /// (explicit VR little endian, PS3.10 7.1). The reader already checked the lengths walked here.
    /// </summary>
    public static int DataSetOffset(byte[] file)
    {
        int position = DicomSniffer.HasPart10Prefix(file) ? PreambleLength + 4 : 0;
        while (position + 8 <= file.Length && BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(position)) == 0x0002)
        {
            string vr = $"{(char)file[position + 4]}{(char)file[position + 5]}";
            if (DicomVr.HasLongLength(vr))
            {
                position += 12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(position + 8));
            }
            else
            {
                position += 8 + BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(position + 6));
            }
        }

        return Math.Min(position, file.Length);
    }
}
