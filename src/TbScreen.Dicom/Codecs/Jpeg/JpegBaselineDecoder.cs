using JpegLibrary;

namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>
/// JPEG Baseline (.4.50, 8-bit) and Extended (.4.51, 8/12-bit) decoder built on JpegLibrary.
/// Samples are the decoded component values clamped to 0..2^P-1, as libjpeg's range limiting
/// does (so a 12-bit overshoot to 1024 in a 10-bit image stays 1024 and the caller's mask applies).
/// Colour: 3-component frames are returned as decoded (no conversion) unless the photometric
/// interpretation is YBR_FULL or YBR_FULL_422, in which case the JFIF YCbCr to RGB transform is
/// applied, as dcmtk's dcmdjpeg does by default, and the caller must treat the result as RGB.
/// Subsampled chroma is upsampled by replication (libjpeg's smoothing filter may differ by a few
/// levels). A stream that is really SOF3 (lossless) is handed to <see cref="JpegLosslessDecoder"/>.
/// </summary>
public sealed class JpegBaselineDecoder : IFrameDecoder
{
    public IReadOnlyCollection<string> TransferSyntaxUids { get; } =
        [TransferSyntax.JpegBaselineUid, TransferSyntax.JpegExtendedUid];

    public int[] Decode(ReadOnlySpan<byte> frame, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (FindFrameMarker(frame) == JpegMarkers.Sof3)
        {
            return new JpegLosslessDecoder().Decode(frame, info);
        }

        int width, height, components, precision;
        int[] samples;
        try
        {
            var decoder = new JpegDecoder();
            decoder.SetInput(frame.ToArray());
            decoder.Identify();
            width = decoder.Width;
            height = decoder.Height;
            components = decoder.NumberOfComponents;
            precision = decoder.Precision;
            if (width != info.Columns || height != info.Rows || components != info.SamplesPerPixel)
            {
                throw new DicomException(
                    $"JPEG frame is {width}x{height}x{components} but the dataset says {info.Columns}x{info.Rows}x{info.SamplesPerPixel}");
            }

            if (precision != 8 && precision != 12)
            {
                throw new DicomException($"JPEG DCT precision {precision} is not 8 or 12");
            }

            samples = new int[checked(width * height * components)];
            decoder.SetOutputWriter(new SampleBlockWriter(width, height, components, precision, samples));
            decoder.Decode();
        }
        catch (DicomException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // JpegLibrary reports corrupt data with assorted exception types; normalise them.
            throw new DicomException($"corrupt JPEG data ({ex.GetType().Name}: {ex.Message})", inner: ex);
        }

        if (components == 3 && info.PhotometricInterpretation.StartsWith("YBR_FULL", StringComparison.Ordinal))
        {
            YCbCrToRgb(samples, precision);
        }

        return info.PlanarConfiguration == 1 && components > 1 ? ToPlanar(samples, components) : samples;
    }

    /// <summary>The first SOFn marker code, or 0 when there is none (JpegLibrary then reports the error).</summary>
    private static byte FindFrameMarker(ReadOnlySpan<byte> frame)
    {
        int pos = 0;
        while (true)
        {
            int q = JpegSegments.FindMarker(frame, pos);
            if (q < 0)
            {
                return 0;
            }

            byte marker = frame[q];
            pos = q + 1;
            if (JpegMarkers.IsStartOfFrame(marker))
            {
                return marker;
            }

            if (marker == JpegMarkers.Sos || marker == JpegMarkers.Eoi)
            {
                return 0;
            }

            if (!JpegMarkers.IsStandalone(marker))
            {
                if (pos + 2 > frame.Length)
                {
                    return 0;
                }

                pos += (frame[pos] << 8) | frame[pos + 1];
            }
        }
    }

    /// <summary>JFIF / ITU-R BT.601 full-range conversion, the one libjpeg (and so dcmtk) uses.</summary>
    private static void YCbCrToRgb(int[] samples, int precision)
    {
        int max = (1 << precision) - 1;
        int half = 1 << (precision - 1);
        for (int i = 0; i + 2 < samples.Length; i += 3)
        {
            double y = samples[i];
            double cb = samples[i + 1] - half;
            double cr = samples[i + 2] - half;
            samples[i] = Math.Clamp((int)Math.Round(y + (1.402 * cr)), 0, max);
            samples[i + 1] = Math.Clamp((int)Math.Round(y - (0.344136 * cb) - (0.714136 * cr)), 0, max);
            samples[i + 2] = Math.Clamp((int)Math.Round(y + (1.772 * cb)), 0, max);
        }
    }

    private static int[] ToPlanar(int[] interleaved, int n)
    {
        int count = interleaved.Length / n;
        var planar = new int[interleaved.Length];
        for (int i = 0; i < count; i++)
        {
            for (int c = 0; c < n; c++)
            {
                planar[(c * count) + i] = interleaved[(i * n) + c];
            }
        }

        return planar;
    }

    /// <summary>Copies JpegLibrary's level-shifted 8x8 blocks into the interleaved sample array.</summary>
    private sealed class SampleBlockWriter(int width, int height, int components, int precision, int[] output) : JpegBlockOutputWriter
    {
        private readonly int _max = (1 << precision) - 1;

        public override void WriteBlock(ref short blockRef, int componentIndex, int x, int y)
        {
            if (x >= width || y >= height || (uint)componentIndex >= (uint)components)
            {
                return;
            }

            int w = Math.Min(width - x, 8);
            int h = Math.Min(height - y, 8);
            Span<short> block = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref blockRef, 64);
            for (int by = 0; by < h; by++)
            {
                int dest = ((((y + by) * width) + x) * components) + componentIndex;
                for (int bx = 0; bx < w; bx++, dest += components)
                {
                    output[dest] = Math.Clamp((int)block[(by * 8) + bx], 0, _max);
                }
            }
        }
    }
}
