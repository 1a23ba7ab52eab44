namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>
/// JPEG lossless (Process 14) encoder with a chosen predictor, used to write fixtures and exports.
/// Components (1..4, no subsampling) are interleaved in one scan; one Huffman table is built from
/// the actual difference statistics (two passes). Precision is Bits Stored (2..16).
/// </summary>
public sealed class JpegLosslessEncoder : IFrameEncoder
{
    /// <param name="predictor">Selection value 1..7 (Table H.1).</param>
    /// <param name="pointTransform">Pt: the low Pt bits are dropped (lossy unless 0).</param>
    /// <param name="restartInterval">Samples (MCUs) per restart interval; 0 for none. A multiple
    /// of the width keeps the stream readable by libjpeg, which only restarts at row starts.</param>
    public JpegLosslessEncoder(int predictor = 1, int pointTransform = 0, int restartInterval = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(predictor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(predictor, 7);
        ArgumentOutOfRangeException.ThrowIfNegative(pointTransform);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pointTransform, 15);
        ArgumentOutOfRangeException.ThrowIfNegative(restartInterval);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(restartInterval, 65535);
        Predictor = predictor;
        PointTransform = pointTransform;
        RestartInterval = restartInterval;
    }

    public int Predictor { get; }

    public int PointTransform { get; }

    public int RestartInterval { get; }

    public string TransferSyntaxUid => Predictor == 1 ? TransferSyntax.JpegLosslessSv1Uid : TransferSyntax.JpegLosslessUid;

    public byte[] Encode(ReadOnlySpan<int> samples, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        int precision = info.BitsStored;
        int n = info.SamplesPerPixel;
        if (precision < 2 || precision > 16 || PointTransform >= precision)
        {
            throw new ArgumentException($"JPEG lossless needs 2..16 bits stored above the point transform, got {precision}", nameof(info));
        }

        if (n < 1 || n > 4 || info.Rows < 1 || info.Rows > 65535 || info.Columns < 1 || info.Columns > 65535)
        {
            throw new ArgumentException("JPEG lossless needs 1..4 samples and 1..65535 rows and columns", nameof(info));
        }

        if (samples.Length != info.SampleCount)
        {
            throw new ArgumentException($"expected {info.SampleCount} samples, got {samples.Length}", nameof(samples));
        }

        int[][] planes = SplitPlanes(samples, info, precision);
        int[] diffs = ComputeDifferences(planes, info.Rows, info.Columns, precision);

        var frequencies = new long[256];
        foreach (int d in diffs)
        {
            frequencies[Category(d)]++;
        }

        HuffmanEncodingTable table = HuffmanEncodingTable.FromFrequencies(frequencies);
        var output = new List<byte>(diffs.Length + 1024);
        WriteHeaders(output, info, precision, table);
        WriteScanData(output, diffs, n, table);
        output.Add(0xFF);
        output.Add(JpegMarkers.Eoi);
        return output.ToArray();
    }

    private int[][] SplitPlanes(ReadOnlySpan<int> samples, FrameInfo info, int precision)
    {
        int n = info.SamplesPerPixel;
        int count = info.Rows * info.Columns;
        int mask = (1 << precision) - 1;
        var planes = new int[n][];
        for (int c = 0; c < n; c++)
        {
            planes[c] = new int[count];
            for (int i = 0; i < count; i++)
            {
                int v = info.PlanarConfiguration == 1 ? samples[(c * count) + i] : samples[(i * n) + c];
                planes[c][i] = (v & mask) >> PointTransform;
            }
        }

        return planes;
    }

    /// <summary>Differences in scan order, each reduced modulo 2^16 to -32767..32768.</summary>
    private int[] ComputeDifferences(int[][] planes, int rows, int columns, int precision)
    {
        int n = planes.Length;
        var diffs = new int[rows * columns * n];
        int initial = LosslessPrediction.InitialValue(precision, PointTransform);
        int mcusLeft = RestartInterval;
        bool reset = true;
        bool firstLine = true;
        int k = 0;
        for (int y = 0; y < rows; y++)
        {
            if (y > 0)
            {
                firstLine = false;
            }

            for (int x = 0; x < columns; x++)
            {
                if (RestartInterval > 0)
                {
                    if (mcusLeft == 0)
                    {
                        mcusLeft = RestartInterval;
                        reset = true;
                        firstLine = true;
                    }

                    mcusLeft--;
                }

                int i = (y * columns) + x;
                for (int c = 0; c < n; c++)
                {
                    int p = LosslessPrediction.Predict(planes[c], i, x, columns, firstLine, reset, Predictor, initial);
                    int d = (planes[c][i] - p) & 0xFFFF;
                    diffs[k++] = d > 32768 ? d - 65536 : d;
                }

                reset = false;
            }
        }

        return diffs;
    }

    private static int Category(int d)
    {
        int magnitude = Math.Abs(d);
        return magnitude == 0 ? 0 : 32 - int.LeadingZeroCount(magnitude);
    }

    private void WriteHeaders(List<byte> o, FrameInfo info, int precision, HuffmanEncodingTable table)
    {
        int n = info.SamplesPerPixel;
        o.AddRange([0xFF, JpegMarkers.Soi]);

        o.AddRange([0xFF, JpegMarkers.Sof3]);
        AddUInt16(o, 8 + (3 * n));
        o.Add((byte)precision);
        AddUInt16(o, info.Rows);
        AddUInt16(o, info.Columns);
        o.Add((byte)n);
        for (int c = 0; c < n; c++)
        {
            o.AddRange([(byte)(c + 1), 0x11, 0x00]);
        }

        o.AddRange([0xFF, JpegMarkers.Dht]);
        AddUInt16(o, 2 + 1 + 16 + table.Values.Length);
        o.Add(0x00); // class 0 (DC/lossless), id 0
        o.AddRange(table.Counts);
        o.AddRange(table.Values);

        if (RestartInterval > 0)
        {
            o.AddRange([0xFF, JpegMarkers.Dri]);
            AddUInt16(o, 4);
            AddUInt16(o, RestartInterval);
        }

        o.AddRange([0xFF, JpegMarkers.Sos]);
        AddUInt16(o, 6 + (2 * n));
        o.Add((byte)n);
        for (int c = 0; c < n; c++)
        {
            o.AddRange([(byte)(c + 1), 0x00]);
        }

        o.Add((byte)Predictor); // Ss
        o.Add(0);               // Se
        o.Add((byte)PointTransform); // Ah=0, Al=Pt
    }

    private void WriteScanData(List<byte> o, int[] diffs, int n, HuffmanEncodingTable table)
    {
        var writer = new JpegBitWriter(o);
        int mcusLeft = RestartInterval;
        int restartIndex = 0;
        for (int k = 0; k < diffs.Length; k += n)
        {
            if (RestartInterval > 0)
            {
                if (mcusLeft == 0)
                {
                    writer.Flush();
                    o.AddRange([0xFF, (byte)(JpegMarkers.Rst0 + restartIndex)]);
                    restartIndex = (restartIndex + 1) & 7;
                    mcusLeft = RestartInterval;
                }

                mcusLeft--;
            }

            for (int c = 0; c < n; c++)
            {
                int d = diffs[k + c];
                int s = Category(d);
                writer.Write(table.Codes[s], table.Lengths[s]);
                if (s is > 0 and < 16)
                {
                    // Negative differences are sent as d-1 in s bits (F.1.2.1).
                    writer.Write(d > 0 ? d : d - 1, s);
                }
            }
        }

        writer.Flush();
    }

    private static void AddUInt16(List<byte> o, int v)
    {
        o.Add((byte)(v >> 8));
        o.Add((byte)v);
    }
}
