using System.Buffers;
using JpegLibrary;

namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>
/// JPEG Baseline (.4.50) encoder for 8-bit grayscale frames, built on JpegLibrary with the
/// standard (Annex K) luminance quantisation table scaled by <see cref="Quality"/> and the
/// standard Huffman tables, so any baseline decoder can read the result.
/// </summary>
public sealed class JpegBaselineEncoder : IFrameEncoder
{
    /// <param name="quality">IJG-style quality 1..100.</param>
    public JpegBaselineEncoder(int quality = 90)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        Quality = quality;
    }

    public int Quality { get; }

    public string TransferSyntaxUid => TransferSyntax.JpegBaselineUid;

    public byte[] Encode(ReadOnlySpan<int> samples, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.SamplesPerPixel != 1 || info.BitsStored > 8 || info.Rows < 1 || info.Columns < 1 || info.Rows > 65535 || info.Columns > 65535)
        {
            throw new ArgumentException("JPEG baseline encoding supports 8-bit grayscale only", nameof(info));
        }

        if (samples.Length != info.SampleCount)
        {
            throw new ArgumentException($"expected {info.SampleCount} samples, got {samples.Length}", nameof(samples));
        }

        int mask = (1 << info.BitsStored) - 1;
        var pixels = new byte[samples.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(samples[i] & mask);
        }

        var encoder = new JpegEncoder();
        encoder.SetQuantizationTable(JpegStandardQuantizationTable.ScaleByQuality(
            JpegStandardQuantizationTable.GetLuminanceTable(JpegElementPrecision.Precision8Bit, 0), Quality));
        encoder.SetHuffmanTable(true, 0, JpegStandardHuffmanEncodingTable.GetLuminanceDCTable());
        encoder.SetHuffmanTable(false, 0, JpegStandardHuffmanEncodingTable.GetLuminanceACTable());
        encoder.AddComponent(1, 0, 0, 0, 1, 1);
        encoder.SetInputReader(new GrayBlockReader(info.Columns, info.Rows, pixels));
        var output = new ArrayBufferWriter<byte>();
        encoder.SetOutput(output);
        encoder.Encode();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Feeds 8x8 blocks, replicating the last row and column into partial edge blocks
    /// so the padding does not cause ringing inside the image.</summary>
    private sealed class GrayBlockReader(int width, int height, byte[] pixels) : JpegBlockInputReader
    {
        public override int Width => width;

        public override int Height => height;

        public override void ReadBlock(ref short blockRef, int componentIndex, int x, int y)
        {
            Span<short> block = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref blockRef, 64);
            for (int by = 0; by < 8; by++)
            {
                int row = Math.Min(y + by, height - 1) * width;
                for (int bx = 0; bx < 8; bx++)
                {
                    block[(by * 8) + bx] = pixels[row + Math.Min(x + bx, width - 1)];
                }
            }
        }
    }
}
