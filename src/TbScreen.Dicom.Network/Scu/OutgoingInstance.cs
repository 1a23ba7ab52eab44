using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Network.Scu;

/// <summary>
/// A Part 10 file ready to send: its identity, its own transfer syntax and the data set bytes after the file meta.
/// It is sent unchanged when the peer accepts its syntax; otherwise native encodings convert to an uncompressed
/// little endian syntax, and compressed ones cannot (we do not transcode pixel data).
/// </summary>
internal sealed class OutgoingInstance
{
    private readonly byte[] _file;
    private readonly int _dataSetOffset;
    private readonly DicomFile _parsed;

    private OutgoingInstance(string source, byte[] file, DicomFile parsed)
    {
        Source = source;
        _file = file;
        _parsed = parsed;
        _dataSetOffset = Part10File.DataSetOffset(file);
        // The data set is what the peer checks the command against; the file meta is only a fallback.
        SopClassUid = parsed.Dataset.GetString(DicomTag.SopClassUid) ?? parsed.FileMeta.GetString(DicomTag.MediaStorageSopClassUid)
            ?? throw new DicomException("no SOP Class UID in file meta or data set", source);
        SopInstanceUid = parsed.Dataset.GetString(DicomTag.SopInstanceUid) ?? parsed.FileMeta.GetString(DicomTag.MediaStorageSopInstanceUid)
            ?? throw new DicomException("no SOP Instance UID in file meta or data set", source);
    }

    public string Source { get; }

    public string SopClassUid { get; }

    public string SopInstanceUid { get; }

    public TransferSyntax TransferSyntax => _parsed.TransferSyntax;

    public bool CanConvert => !_parsed.TransferSyntax.Encapsulated;

    public ReadOnlyMemory<byte> DataSetBytes => _file.AsMemory(_dataSetOffset);

    /// <summary>Parses the file with our reader; a file it refuses raises its <see cref="DicomException"/>.</summary>
    public static OutgoingInstance FromPart10(byte[] file, string source) => new(source, file, new DicomReader().Parse(file, source));

    /// <summary>
    /// Which of the syntaxes a peer accepted for this SOP class to send in: the file's own when accepted, else an
    /// uncompressed one it converts to; null when there is neither.
    /// </summary>
    public TransferSyntax? SendableAs(IReadOnlyCollection<TransferSyntax> accepted) =>
        accepted.FirstOrDefault(s => s.Uid == TransferSyntax.Uid)
        ?? (CanConvert ? accepted.FirstOrDefault(s => s is { Encapsulated: false, Deflated: false }) : null);

    /// <summary>The data set as it goes out in <paramref name="syntax"/>: the file's own bytes, or converted.</summary>
    public ReadOnlyMemory<byte> DataSetIn(TransferSyntax syntax) => syntax.Uid == TransferSyntax.Uid ? DataSetBytes : EncodeAs(syntax);

    /// <summary>The data set re-encoded in an uncompressed syntax; only for native (not encapsulated) sources.</summary>
    public byte[] EncodeAs(TransferSyntax target)
    {
        if (!CanConvert || target.Encapsulated || target.Deflated)
        {
            throw new InvalidOperationException($"Cannot convert {TransferSyntax.Name} to {target.Name}.");
        }

        try
        {
            return DicomWriter.Write(DataSetByteOrder.ToLittleEndian(_parsed.Dataset), target.Uid, new DicomWriterOptions { Preamble = false });
        }
        catch (ArgumentException e)
        {
            throw new DicomException($"cannot convert to {target.Name}: {e.Message}", Source, inner: e);
        }
    }
}
