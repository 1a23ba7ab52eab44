using System.IO.Compression;

namespace TbScreen.Dicom;

/// <summary>
/// Our DICOM Part 10 reader. It reads the whole file into one buffer and slices element values out
/// of it, so a length field can never cause an allocation: every length is checked against the
/// bytes that remain before anything is sliced.
/// </summary>
public sealed class DicomReader : IDicomReader
{
    private const int PreambleLength = 128;

    private readonly DicomReaderOptions _options;

    public DicomReader(DicomReaderOptions? options = null) => _options = options ?? DicomReaderOptions.Default;

    public DicomFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new DicomException("file not found", path);
            }

            if (info.Length > _options.MaxFileBytes)
            {
                throw new DicomException($"file is {info.Length} bytes, above the {_options.MaxFileBytes}-byte limit", path);
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DicomException($"cannot read file: {e.Message}", path, inner: e);
        }

        return Parse(bytes, path);
    }

    public DicomFile Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > _options.MaxFileBytes)
            {
                throw new DicomException($"stream exceeds the {_options.MaxFileBytes}-byte limit", sourceName);
            }

            buffer.Write(chunk, 0, n);
        }

        return Parse(buffer.ToArray(), sourceName);
    }

    /// <summary>Parses a complete file held in memory.</summary>
    public DicomFile Parse(byte[] bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            return ParseCore(bytes, sourceName);
        }
        catch (DicomException e)
        {
            throw e.WithFile(sourceName);
        }
    }

    /// <summary>
    /// Parses a bare dataset whose transfer syntax is known from elsewhere (a network association negotiated it),
    /// so nothing is sniffed. Deflated syntaxes are inflated first; the result has an empty file meta.
    /// </summary>
    public DicomFile ParseDataset(byte[] bytes, TransferSyntax syntax, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(syntax);
        try
        {
            byte[] body = syntax.Deflated ? Inflate(bytes, 0) : bytes;
            var dataset = new DicomDataset(syntax.BigEndian);
            new DatasetParser(body, syntax.ExplicitVr, syntax.BigEndian, _options.MaxSequenceDepth)
                .ParseDataset(dataset, 0, body.Length, untilItemDelimiter: false, depth: 0);
            return new DicomFile(sourceName, new DicomDataset(), dataset, syntax, hadPreamble: false);
        }
        catch (DicomException e)
        {
            throw e.WithFile(sourceName);
        }
    }

    private DicomFile ParseCore(byte[] bytes, string source)
    {
        bool hasPreamble = DicomSniffer.HasPart10Prefix(bytes);
        int position = hasPreamble ? PreambleLength + 4 : 0;
        var meta = new DicomDataset();

        if (!hasPreamble && !DicomSniffer.LooksLikeBareDataset(bytes, bytes.Length, out _))
        {
            throw new DicomException("not a DICOM file: no DICM prefix at byte 128 and no recognisable dataset at byte 0");
        }

        // File meta (group 0002) is always explicit VR little endian, with or without a preamble.
        if (bytes.Length >= position + 4 && ReadUInt16Le(bytes, position) == 0x0002)
        {
            var metaParser = new DatasetParser(bytes, explicitVr: true, bigEndian: false, _options.MaxSequenceDepth);
            position = metaParser.ParseFileMeta(meta, position);
        }
        else if (hasPreamble)
        {
            throw new DicomException("file meta information (group 0002) is missing after the DICM prefix");
        }

        string? tsUid = meta.GetString(DicomTag.TransferSyntaxUid);
        TransferSyntax syntax;
        if (string.IsNullOrEmpty(tsUid))
        {
            // Bare datasets (and files missing the UID) are implicit VR LE unless the bytes say otherwise.
            syntax = DicomSniffer.LooksLikeBareDataset(bytes.AsSpan(position), bytes.Length - position, out var detected) ? detected : TransferSyntax.ImplicitVrLittleEndian;
        }
        else
        {
            syntax = TransferSyntax.Lookup(tsUid);
        }

        byte[] body = bytes;
        int bodyStart = position;
        if (syntax.Deflated)
        {
            body = Inflate(bytes, position);
            bodyStart = 0;
        }

        var dataset = new DicomDataset(syntax.BigEndian);
        var parser = new DatasetParser(body, syntax.ExplicitVr, syntax.BigEndian, _options.MaxSequenceDepth);
        parser.ParseDataset(dataset, bodyStart, body.Length, untilItemDelimiter: false, depth: 0);
        return new DicomFile(source, meta, dataset, syntax, hasPreamble);
    }

    /// <summary>
    /// Two passes: the first counts the inflated length without keeping it, so a bomb is refused having allocated
    /// nothing but a chunk; the second fills an array of exactly that length (issue 17).
    /// </summary>
    private byte[] Inflate(byte[] bytes, int start)
    {
        try
        {
            var chunk = new byte[81920];
            long length = 0;
            using (var counter = new DeflateStream(new MemoryStream(bytes, start, bytes.Length - start, writable: false), CompressionMode.Decompress))
            {
                int n;
                while ((n = counter.Read(chunk, 0, chunk.Length)) > 0)
                {
                    length += n;
                    if (length > _options.MaxInflatedBytes)
                    {
                        throw new DicomException($"deflated dataset inflates beyond the {_options.MaxInflatedBytes}-byte limit");
                    }
                }
            }

            var output = new byte[length];
            using var inflater = new DeflateStream(new MemoryStream(bytes, start, bytes.Length - start, writable: false), CompressionMode.Decompress);
            inflater.ReadExactly(output);
            return output;
        }
        catch (InvalidDataException e)
        {
            throw new DicomException($"deflated dataset is corrupt: {e.Message}", inner: e);
        }
    }

    private static ushort ReadUInt16Le(byte[] b, int i) => (ushort)(b[i] | (b[i + 1] << 8));
}
