using System.Buffers.Binary;
using System.IO.Compression;
using TbScreen.Dicom.Pixels;

namespace TbScreen.Dicom.Writing;

/// <summary>
/// Writes Part 10 files in every transfer syntax we read: samples, test fixtures and exports come
/// from our own code this way. Input datasets are little endian (as built by <see cref="DicomDatasetExtensions"/>).
/// </summary>
public static class DicomWriter
{
    public const string ImplementationClassUid = "1.2.826.0.1.3680043.10.1386.1";

    public static byte[] Write(DicomDataset dataset, string transferSyntaxUid, DicomWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new DicomWriterOptions();
        var syntax = TransferSyntax.Lookup(transferSyntaxUid);
        if (dataset.BigEndian)
        {
            throw new ArgumentException("Build datasets little endian; the writer converts.", nameof(dataset));
        }

        var toWrite = syntax.Encapsulated ? Encapsulate(dataset, syntax, options) : dataset;
        using var body = new MemoryStream();
        new ElementWriter(body, syntax.ExplicitVr, syntax.BigEndian, options).WriteDataset(toWrite);
        byte[] bodyBytes = syntax.Deflated ? Deflate(body.ToArray()) : body.ToArray();

        using var file = new MemoryStream();
        if (options.Preamble)
        {
            file.Write(new byte[128]);
            file.Write("DICM"u8);
            WriteFileMeta(file, dataset, syntax.Uid);
        }

        file.Write(bodyBytes);
        return file.ToArray();
    }

    private static void WriteFileMeta(Stream output, DicomDataset dataset, string transferSyntaxUid)
    {
        var meta = new DicomDataset()
            .AddBytes(0x00020001, "OB", [0, 1])
            .AddString(DicomTag.MediaStorageSopClassUid, "UI", dataset.GetString(DicomTag.SopClassUid) ?? "1.2.840.10008.5.1.4.1.1.1.1")
            .AddString(DicomTag.MediaStorageSopInstanceUid, "UI", dataset.GetString(DicomTag.SopInstanceUid) ?? "1.2.826.0.1.3680043.10.1386.9")
            .AddString(DicomTag.TransferSyntaxUid, "UI", transferSyntaxUid)
            .AddString(DicomTag.ImplementationClassUid, "UI", ImplementationClassUid)
            .AddString(0x00020013, "SH", "TBSCREEN_1");
        using var group = new MemoryStream();
        new ElementWriter(group, explicitVr: true, bigEndian: false, new DicomWriterOptions()).WriteDataset(meta);
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)group.Length);
        new ElementWriter(output, explicitVr: true, bigEndian: false, new DicomWriterOptions())
            .WriteDataset(new DicomDataset().AddBytes(DicomTag.FileMetaInformationGroupLength, "UL", length));
        group.Position = 0;
        group.CopyTo(output);
    }

    private static DicomDataset Encapsulate(DicomDataset dataset, TransferSyntax syntax, DicomWriterOptions options)
    {
        var encoder = options.Encoder ?? throw new ArgumentException($"Writing {syntax.Name} needs an encoder.", nameof(options));
        if (encoder.TransferSyntaxUid != syntax.Uid)
        {
            throw new ArgumentException($"Encoder writes {encoder.TransferSyntaxUid}, not {syntax.Uid}.", nameof(options));
        }

        var pixels = PixelDescription.FromDataset(dataset);
        var native = dataset[DicomTag.PixelData] ?? throw new ArgumentException("Dataset has no pixel data.", nameof(dataset));
        var fragments = new List<ReadOnlyMemory<byte>> { Array.Empty<byte>() };
        var offsets = new List<uint>();
        uint offset = 0;
        for (int frame = 0; frame < pixels.NumberOfFrames; frame++)
        {
            var samples = NativePixelReader.ReadFrame(native.Value.Span, pixels, frame, bigEndian: false, wordSwappedBytes: false);
            StoredValues.Normalise(samples, pixels.BitsStored, pixels.HighBit - pixels.BitsStored + 1, pixels.IsSigned);
            byte[] encoded = encoder.Encode(samples, pixels.ToFrameInfo());
            if (encoded.Length % 2 == 1)
            {
                Array.Resize(ref encoded, encoded.Length + 1); // fragments have even length; decoders ignore the pad
            }

            offsets.Add(offset);
            int size = options.FragmentSize > 0 ? options.FragmentSize + options.FragmentSize % 2 : encoded.Length;
            for (int start = 0; start < encoded.Length; start += size)
            {
                var piece = encoded.AsMemory(start, Math.Min(size, encoded.Length - start));
                fragments.Add(piece);
                offset += (uint)(8 + piece.Length);
            }
        }

        if (options.BasicOffsetTable && pixels.NumberOfFrames > 1)
        {
            var table = new byte[offsets.Count * 4];
            for (int i = 0; i < offsets.Count; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(4 * i), offsets[i]);
            }

            fragments[0] = table;
        }

        var copy = new DicomDataset();
        foreach (var element in dataset.Elements)
        {
            copy.Set(element);
        }

        copy.Set(new DicomElement(DicomTag.PixelData, "OB", fragments));
        return copy;
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflater = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(data);
        }

        return output.ToArray();
    }
}
