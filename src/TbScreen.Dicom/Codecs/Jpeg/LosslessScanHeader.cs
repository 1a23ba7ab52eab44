namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>A parsed SOS header of a lossless scan (ITU T.81 B.2.3, H.2.2).</summary>
internal sealed class LosslessScanHeader
{
    private LosslessScanHeader(int[] componentIndexes, HuffmanDecodingTable[] tables, int predictor, int pointTransform)
    {
        ComponentIndexes = componentIndexes;
        Tables = tables;
        Predictor = predictor;
        PointTransform = pointTransform;
    }

    /// <summary>Index into the frame's components, in scan order.</summary>
    public int[] ComponentIndexes { get; }

    public HuffmanDecodingTable[] Tables { get; }

    /// <summary>Selection value Ss, 1..7.</summary>
    public int Predictor { get; }

    /// <summary>Point transform Pt (the Al field).</summary>
    public int PointTransform { get; }

    public static LosslessScanHeader Parse(ReadOnlySpan<byte> body, LosslessFrameHeader frame, HuffmanDecodingTable?[] tables)
    {
        if (body.Length < 1)
        {
            throw new DicomException("JPEG SOS segment is truncated");
        }

        int count = body[0];
        if (count < 1 || count > frame.ComponentCount || body.Length != 4 + (2 * count))
        {
            throw new DicomException("JPEG SOS segment is malformed");
        }

        var indexes = new int[count];
        var scanTables = new HuffmanDecodingTable[count];
        for (int i = 0; i < count; i++)
        {
            int index = Array.IndexOf(frame.ComponentIds, body[1 + (2 * i)]);
            if (index < 0 || indexes.AsSpan(0, i).Contains(index))
            {
                throw new DicomException("JPEG SOS segment names an unknown or repeated component");
            }

            if (count > 1 && frame.Sampling[index] != 0x11)
            {
                throw new DicomException("JPEG lossless interleaved scans with subsampled components are not supported");
            }

            int tableId = body[2 + (2 * i)] >> 4;
            indexes[i] = index;
            scanTables[i] = (tableId < tables.Length ? tables[tableId] : null)
                ?? throw new DicomException("JPEG scan uses a Huffman table that was not defined");
        }

        int predictor = body[1 + (2 * count)];
        int pointTransform = body[3 + (2 * count)] & 0x0F;
        if (predictor < 1 || predictor > 7)
        {
            throw new DicomException($"JPEG lossless predictor {predictor} is outside 1..7");
        }

        if (pointTransform >= frame.Precision)
        {
            throw new DicomException("JPEG point transform is not smaller than the precision");
        }

        return new LosslessScanHeader(indexes, scanTables, predictor, pointTransform);
    }
}
