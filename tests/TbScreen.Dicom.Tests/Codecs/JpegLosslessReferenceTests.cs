using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Jpeg;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>Checks the lossless decoder against streams it did not write itself.</summary>
public class JpegLosslessReferenceTests
{
    public static TheoryData<string> DcmtkFixtures()
    {
        var data = new TheoryData<string>();
        foreach (int sv in Enumerable.Range(1, 7))
        {
            foreach (int bits in new[] { 8, 12, 16 })
            {
                data.Add($"sv{sv}_{bits}b");
            }
        }

        data.Add("rgb_sv4_8b");
        return data;
    }

    /// <summary>Codestreams written by dcmtk 3.6.7 (dcmcjpeg +el +sv N) from our synthetic pixels; see make_fixtures.py.</summary>
    [Theory]
    [MemberData(nameof(DcmtkFixtures))]
    public void DecodesDcmtkStreamsForEveryPredictor(string name)
    {
        byte[] jpeg = File.ReadAllBytes(CodecFixtures.PathOf("jpeg-lossless", name + ".jpg"));
        int[] expected = CodecFixtures.ReadU16(CodecFixtures.PathOf("jpeg-lossless", name + ".u16le"));
        int bits = int.Parse(name[(name.LastIndexOf('_') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
        int samples = name.StartsWith("rgb", StringComparison.Ordinal) ? 3 : 1;
        FrameInfo info = SyntheticImage.Info(37, 23, bits, samples);
        Assert.Equal(0xFF, jpeg[0]);
        Assert.Equal(0xC3, jpeg[3]); // SOF3 straight after SOI

        int[] decoded = new JpegLosslessDecoder().Decode(jpeg, info);

        Assert.Equal(expected, decoded);
    }

    /// <summary>
    /// A 3x2, 8-bit, predictor 7 stream assembled bit by bit from T.81 by hand.
    /// Table (BITS: 0 codes of length 1, 3 of length 2, 1 of length 3; HUFFVAL 1,2,0,4):
    /// category 1 = 00, 2 = 01, 0 = 10, 4 = 110.
    /// Pixels 130 120 121 / 131 127 125, initial prediction 2^(8-0-1) = 128:
    /// (0,0) 128 → +2 = cat 2 "10"; (1,0) Ra 130 → -10 = cat 4, -10-1 in 4 bits "0101";
    /// (2,0) Ra 120 → +1 "1"; (0,1) Rb 130 → +1 "1"; (1,1) (131+120)>>1 = 125 → +2 "10";
    /// (2,1) (127+121)>>1 = 124 → +1 "1".
    /// </summary>
    [Fact]
    public void DecodesHandAssembledPredictor7Stream()
    {
        string bits = "01" + "10" + "110" + "0101" + "00" + "1" + "00" + "1" + "01" + "10" + "00" + "1";
        var jpeg = new List<byte>
        {
            0xFF, 0xD8,
            0xFF, 0xC3, 0x00, 0x0B, 0x08, 0x00, 0x02, 0x00, 0x03, 0x01, 0x01, 0x11, 0x00,
            0xFF, 0xC4, 0x00, 0x17, 0x00, 0x00, 0x03, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0x00, 0x04,
            0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x07, 0x00, 0x00,
        };
        bits += new string('1', (8 - (bits.Length % 8)) % 8);
        for (int i = 0; i < bits.Length; i += 8)
        {
            jpeg.Add(Convert.ToByte(bits.Substring(i, 8), 2));
        }

        jpeg.AddRange([0xFF, 0xD9]);

        int[] decoded = new JpegLosslessDecoder().Decode(jpeg.ToArray(), SyntheticImage.Info(3, 2, 8));

        Assert.Equal([130, 120, 121, 131, 127, 125], decoded);
    }

    [Fact]
    public void ToleratesFillBytesBeforeMarkersAndUnknownSegments()
    {
        int[] pixels = SyntheticImage.Create(20, 7, 12, seed: 3);
        FrameInfo info = SyntheticImage.Info(20, 7, 12);
        byte[] jpeg = new JpegLosslessEncoder(5, restartInterval: 20).Encode(pixels, info);

        // FF fill bytes in front of every RST and of EOI, and an APP0 + COM after SOI.
        var padded = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x12, 0x34, 0xFF, 0xFE, 0x00, 0x03, 0x41 };
        for (int i = 2; i < jpeg.Length; i++)
        {
            bool marker = jpeg[i] == 0xFF && i + 1 < jpeg.Length && (jpeg[i + 1] is >= 0xD0 and <= 0xD7 or 0xD9);
            if (marker)
            {
                padded.AddRange([0xFF, 0xFF]);
            }

            padded.Add(jpeg[i]);
        }

        Assert.Equal(pixels, new JpegLosslessDecoder().Decode(padded.ToArray(), info));
    }

    [Fact]
    public void DecodesSeparateScansPerComponent()
    {
        // Two components, each in its own non-interleaved scan, built from two grayscale streams.
        int[] a = SyntheticImage.Create(19, 11, 10, seed: 1);
        int[] b = SyntheticImage.Create(19, 11, 10, seed: 2);
        FrameInfo gray = SyntheticImage.Info(19, 11, 10);
        byte[] ja = new JpegLosslessEncoder(2).Encode(a, gray);
        byte[] jb = new JpegLosslessEncoder(6).Encode(b, gray);
        int sosA = IndexOfMarker(ja, 0xC4);
        int sosB = IndexOfMarker(jb, 0xC4);
        var stream = new List<byte> { 0xFF, 0xD8, 0xFF, 0xC3, 0x00, 0x0E, 10, 0, 11, 0, 19, 2, 1, 0x11, 0, 2, 0x11, 0 };
        stream.AddRange(ja[sosA..^2]); // DHT, SOS (component 1), data
        byte[] scanB = jb[sosB..^2];
        int sos = IndexOfMarker(scanB, 0xDA);
        scanB[sos + 5] = 2; // component id 2 in the second scan
        stream.AddRange(scanB);
        stream.AddRange([0xFF, 0xD9]);

        int[] decoded = new JpegLosslessDecoder().Decode(stream.ToArray(), SyntheticImage.Info(19, 11, 10, samplesPerPixel: 2));

        Assert.Equal(a.Zip(b).SelectMany(p => new[] { p.First, p.Second }), decoded);
    }

    private static int IndexOfMarker(byte[] data, byte marker)
    {
        for (int i = 0; i + 1 < data.Length; i++)
        {
            if (data[i] == 0xFF && data[i + 1] == marker)
            {
                return i;
            }
        }

        throw new InvalidOperationException("marker not found");
    }
}
