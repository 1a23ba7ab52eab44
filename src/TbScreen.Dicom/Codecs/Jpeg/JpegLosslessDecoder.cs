namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>
/// JPEG lossless (ITU T.81 Annex H, Process 14) decoder for transfer syntaxes .4.57 and .4.70:
/// Huffman-coded SOF3 frames, predictors 1..7, point transform, restart intervals, precision
/// 2..16, 1..4 components in interleaved or separate scans. Written here because JpegLibrary
/// reconstructs predictors 2, 3, 5, 6 and 7 wrongly. Returns samples shifted back by Pt.
/// </summary>
public sealed class JpegLosslessDecoder : IFrameDecoder
{
    public IReadOnlyCollection<string> TransferSyntaxUids { get; } =
        [TransferSyntax.JpegLosslessUid, TransferSyntax.JpegLosslessSv1Uid];

    public int[] Decode(ReadOnlySpan<byte> frame, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        int pos = 0;
        int q = JpegSegments.FindMarker(frame, 0);
        if (q < 0 || frame[q] != JpegMarkers.Soi)
        {
            throw new DicomException("JPEG data does not start with an SOI marker");
        }

        pos = q + 1;
        LosslessFrameHeader? header = null;
        var tables = new HuffmanDecodingTable?[4];
        int restartInterval = 0;
        int[][]? planes = null;
        int[]? pointTransforms = null;
        bool[]? decoded = null;

        while (true)
        {
            q = JpegSegments.FindMarker(frame, pos);
            if (q < 0)
            {
                break; // missing EOI is tolerated when every component was decoded
            }

            byte marker = frame[q];
            pos = q + 1;
            if (marker == JpegMarkers.Eoi)
            {
                break;
            }

            if (JpegMarkers.IsStandalone(marker))
            {
                continue; // stray RSTn or TEM
            }

            switch (marker)
            {
                case JpegMarkers.Sof3:
                    if (header is not null)
                    {
                        throw new DicomException("JPEG data holds more than one frame header");
                    }

                    header = LosslessFrameHeader.Parse(JpegSegments.ReadSegment(frame, ref pos, "SOF3"));
                    CheckAgainstInfo(header, info);
                    planes = new int[header.ComponentCount][];
                    for (int c = 0; c < planes.Length; c++)
                    {
                        planes[c] = new int[header.Rows * header.Columns];
                    }

                    pointTransforms = new int[header.ComponentCount];
                    decoded = new bool[header.ComponentCount];
                    break;
                case JpegMarkers.Dht:
                    ReadHuffmanTables(JpegSegments.ReadSegment(frame, ref pos, "DHT"), tables);
                    break;
                case JpegMarkers.Dri:
                    ReadOnlySpan<byte> dri = JpegSegments.ReadSegment(frame, ref pos, "DRI");
                    if (dri.Length != 2)
                    {
                        throw new DicomException("JPEG DRI segment is malformed");
                    }

                    restartInterval = (dri[0] << 8) | dri[1];
                    break;
                case JpegMarkers.Sos:
                    if (header is null || planes is null || pointTransforms is null || decoded is null)
                    {
                        throw new DicomException("JPEG scan comes before the frame header");
                    }

                    LosslessScanHeader scan = LosslessScanHeader.Parse(JpegSegments.ReadSegment(frame, ref pos, "SOS"), header, tables);
                    pos = LosslessScanDecoder.Decode(frame, pos, header, scan, planes, restartInterval);
                    foreach (int c in scan.ComponentIndexes)
                    {
                        decoded[c] = true;
                        pointTransforms[c] = scan.PointTransform;
                    }

                    break;
                case JpegMarkers.Dac:
                    throw new DicomException("JPEG arithmetic coding is not supported");
                case JpegMarkers.Dnl:
                    throw new DicomException("JPEG DNL marker is not supported");
                default:
                    if (JpegMarkers.IsStartOfFrame(marker))
                    {
                        throw new DicomException($"JPEG frame type SOF{marker - JpegMarkers.Sof0} is not lossless Huffman (SOF3)");
                    }

                    JpegSegments.ReadSegment(frame, ref pos, $"marker FF{marker:X2}");
                    break;
            }
        }

        if (header is null || planes is null || pointTransforms is null || decoded is null)
        {
            throw new DicomException("JPEG data ends before the frame header");
        }

        if (Array.IndexOf(decoded, false) >= 0)
        {
            throw new DicomException("JPEG data ends before every component was decoded");
        }

        return Assemble(header, planes, pointTransforms, info.PlanarConfiguration == 1);
    }

    private static void CheckAgainstInfo(LosslessFrameHeader header, FrameInfo info)
    {
        if (header.Rows != info.Rows || header.Columns != info.Columns || header.ComponentCount != info.SamplesPerPixel)
        {
            throw new DicomException(
                $"JPEG frame is {header.Columns}x{header.Rows}x{header.ComponentCount} but the dataset says " +
                $"{info.Columns}x{info.Rows}x{info.SamplesPerPixel}");
        }

        if ((long)header.Rows * header.Columns * header.ComponentCount > Array.MaxLength)
        {
            throw new DicomException("JPEG frame is too large");
        }
    }

    private static void ReadHuffmanTables(ReadOnlySpan<byte> body, HuffmanDecodingTable?[] tables)
    {
        int offset = 0;
        while (offset < body.Length)
        {
            int tcTh = body[offset++];
            int tableClass = tcTh >> 4;
            int id = tcTh & 0x0F;
            if (tableClass > 1 || id > 3)
            {
                throw new DicomException("JPEG DHT segment names an invalid table");
            }

            HuffmanDecodingTable table = HuffmanDecodingTable.Parse(body, ref offset);
            if (tableClass == 0)
            {
                tables[id] = table; // lossless uses only the DC-class tables; AC tables are ignored
            }
        }
    }

    private static int[] Assemble(LosslessFrameHeader header, int[][] planes, int[] pointTransforms, bool planar)
    {
        int n = planes.Length;
        if (n == 1 && pointTransforms[0] == 0)
        {
            return planes[0];
        }

        int count = header.Rows * header.Columns;
        var result = new int[count * n];
        for (int c = 0; c < n; c++)
        {
            int[] plane = planes[c];
            int pt = pointTransforms[c];
            if (planar || n == 1)
            {
                Span<int> dest = result.AsSpan(c * count, count);
                for (int i = 0; i < count; i++)
                {
                    dest[i] = plane[i] << pt;
                }
            }
            else
            {
                for (int i = 0, j = c; i < count; i++, j += n)
                {
                    result[j] = plane[i] << pt;
                }
            }
        }

        return result;
    }
}
