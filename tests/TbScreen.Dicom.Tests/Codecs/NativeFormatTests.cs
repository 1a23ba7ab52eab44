using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Native;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>Input formats and concurrency that the round trips do not cover.</summary>
public sealed class NativeFormatTests
{
    /// <summary>
    /// A 16x12 8-bit JP2 file (box format, not a bare codestream) made with
    /// `opj_compress -n 3` from a PGM whose sample at (x, y) is (7x + 13y) mod 256.
    /// </summary>
    private const string Jp2Base64 =
        "AAAADGpQICANCocKAAAAFGZ0eXBqcDIgAAAAAGpwMiAAAAAtanAyaAAAABZpaGRyAAAADAAAABAAAQcHAAAAAAAPY29scgEAAAAAABEAAAC1anAyY/9P/1EAKQAAAAAAEAAAAAwAAAAAAAAAAAAAABAAAAAMAAAAAAAAAAAAAQcBAf9SAAwAAAABAAIEBAAB/1wACkBASEhQSEhQ/2QAJQABQ3JlYXRlZCBieSBPcGVuSlBFRyB2ZXJzaW9uIDIuNS4w/5AACgAAAAAAPQAB/5PfgHAGr/Tp9bPmcob/U8wIj8HzhIPnCBv0/38MvYAMwHwhwPkDADac+UCNw14Hf//Z";

    [Fact]
    public void Jp2BoxFormat_IsDetectedAndDecoded()
    {
        var info = CodecSamples.Gray(12, 16, 8, signed: false);
        int[] decoded = new OpenJpegDecoder().Decode(Convert.FromBase64String(Jp2Base64), info);
        int[] expected = Enumerable.Range(0, 12 * 16).Select(i => ((i % 16) * 7 + (i / 16) * 13) % 256).ToArray();
        CodecSamples.Equal(expected, decoded);
    }

    [Fact]
    public void J2kWithDicomPadByte_Decodes()
    {
        var info = CodecSamples.Gray(9, 11, 12, signed: false);
        int[] original = CodecSamples.Synthetic(info, seed: 9);
        byte[] j2k = [.. new OpenJpegEncoder().Encode(original, info), 0];
        byte[] jls = [.. new CharLsEncoder().Encode(original, info), 0];
        CodecSamples.Equal(original, new OpenJpegDecoder().Decode(j2k, info));
        CodecSamples.Equal(original, new CharLsDecoder().Decode(jls, info));
    }

    [Fact]
    public void MultithreadedOpenJpeg_MatchesSingleThreaded()
    {
        var info = CodecSamples.Gray(300, 301, 16, signed: false);
        byte[] encoded = new OpenJpegEncoder().Encode(CodecSamples.Synthetic(info, seed: 4), info);
        CodecSamples.Equal(new OpenJpegDecoder().Decode(encoded, info), new OpenJpegDecoder(threads: 4).Decode(encoded, info));
    }

    [Fact]
    public void Decoders_AreSafeToShareAcrossThreads()
    {
        var info = CodecSamples.Gray(64, 65, 12, signed: false);
        int[] original = CodecSamples.Synthetic(info, seed: 8);
        var cases = new (IFrameDecoder Decoder, byte[] Data)[]
        {
            (new OpenJpegDecoder(), new OpenJpegEncoder().Encode(original, info)),
            (new CharLsDecoder(), new CharLsEncoder().Encode(original, info)),
        };
        Parallel.For(0, 64, i =>
        {
            var (decoder, data) = cases[i % 2];
            CodecSamples.Equal(original, decoder.Decode(data, info));
        });
    }
}
