namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>A parsed SOF3 header (ITU T.81 B.2.2).</summary>
internal sealed class LosslessFrameHeader
{
    private LosslessFrameHeader(int precision, int rows, int columns, byte[] ids, byte[] sampling)
    {
        Precision = precision;
        Rows = rows;
        Columns = columns;
        ComponentIds = ids;
        Sampling = sampling;
    }

    public int Precision { get; }

    public int Rows { get; }

    public int Columns { get; }

    public byte[] ComponentIds { get; }

    /// <summary>Hi/Vi byte of each component.</summary>
    public byte[] Sampling { get; }

    public int ComponentCount => ComponentIds.Length;

    public static LosslessFrameHeader Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length < 6)
        {
            throw new DicomException("JPEG SOF3 segment is truncated");
        }

        int precision = body[0];
        int rows = (body[1] << 8) | body[2];
        int columns = (body[3] << 8) | body[4];
        int count = body[5];
        if (precision < 2 || precision > 16)
        {
            throw new DicomException($"JPEG lossless precision {precision} is outside 2..16");
        }

        if (rows == 0)
        {
            throw new DicomException("JPEG frame defines its height by a DNL marker, which is not supported");
        }

        if (columns == 0 || count < 1 || count > 4 || body.Length != 6 + (3 * count))
        {
            throw new DicomException("JPEG SOF3 segment is malformed");
        }

        var ids = new byte[count];
        var sampling = new byte[count];
        for (int c = 0; c < count; c++)
        {
            ids[c] = body[6 + (3 * c)];
            sampling[c] = body[7 + (3 * c)];
            if (ids.AsSpan(0, c).Contains(ids[c]))
            {
                throw new DicomException("JPEG SOF3 segment repeats a component id");
            }
        }

        // Components with different sampling factors would have different sizes; DICOM never
        // uses that for lossless, so reject it rather than guess an upsampling.
        if (sampling.AsSpan().ContainsAnyExcept(sampling[0]))
        {
            throw new DicomException("JPEG lossless frames with subsampled components are not supported");
        }

        return new LosslessFrameHeader(precision, rows, columns, ids, sampling);
    }
}
