namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>Decodes the entropy-coded data of one lossless scan into the component planes.</summary>
internal static class LosslessScanDecoder
{
    /// <summary>Decodes the scan starting at <paramref name="start"/>; returns the offset of the marker that ends it.</summary>
    public static int Decode(
        ReadOnlySpan<byte> data, int start, LosslessFrameHeader frame, LosslessScanHeader scan, int[][] planes, int restartInterval)
    {
        int n = scan.ComponentIndexes.Length;
        var scanPlanes = new int[n][];
        for (int i = 0; i < n; i++)
        {
            scanPlanes[i] = planes[scan.ComponentIndexes[i]];
        }

        HuffmanDecodingTable[] tables = scan.Tables;
        int width = frame.Columns;
        int height = frame.Rows;
        int predictor = scan.Predictor;
        int initial = LosslessPrediction.InitialValue(frame.Precision, scan.PointTransform);
        var reader = new JpegBitReader(data, start);
        int mcusLeft = restartInterval;
        bool reset = true;
        bool firstLine = true;

        for (int y = 0; y < height; y++)
        {
            if (y > 0)
            {
                firstLine = false;
            }

            int rowStart = y * width;
            for (int x = 0; x < width; x++)
            {
                if (restartInterval > 0)
                {
                    if (mcusLeft == 0)
                    {
                        // H.1.2.1: a restart interval begins like a new scan (2^(P-Pt-1), then Ra).
                        if (reader.Overrun || !reader.ConsumeRestart())
                        {
                            throw new DicomException("JPEG lossless data is truncated or lacks a restart marker");
                        }

                        mcusLeft = restartInterval;
                        reset = true;
                        firstLine = true;
                    }

                    mcusLeft--;
                }

                int i = rowStart + x;
                for (int c = 0; c < n; c++)
                {
                    reader.Ensure(32);
                    int diff = DecodeDifference(ref reader, tables[c]);
                    int[] plane = scanPlanes[c];
                    int prediction = LosslessPrediction.Predict(plane, i, x, width, firstLine, reset, predictor, initial);
                    plane[i] = (prediction + diff) & 0xFFFF; // modulo 2^16 (H.1.2.1)
                }

                reset = false;
            }
        }

        if (reader.Overrun)
        {
            throw new DicomException("JPEG lossless data is truncated");
        }

        int q = JpegSegments.FindMarker(data, reader.Position);
        return q < 0 ? data.Length : q - 1;
    }

    /// <summary>Huffman category then extra bits (F.1.2.1, H.1.2.2; category 16 means 32768 with no extra bits).</summary>
    private static int DecodeDifference(ref JpegBitReader reader, HuffmanDecodingTable table)
    {
        int s = table.Decode(ref reader);
        if (s == 0)
        {
            return 0;
        }

        if (s >= 16)
        {
            if (s == 16)
            {
                return 32768;
            }

            throw new DicomException($"JPEG lossless difference category {s} is invalid");
        }

        int v = reader.Read(s);
        return v < (1 << (s - 1)) ? v - (1 << s) + 1 : v;
    }
}
