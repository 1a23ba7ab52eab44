using TbScreen.Dicom.Tests.TestData;
using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Native;
using Xunit.Abstractions;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>
/// Seeded mutation loops: whatever the damage, a decoder either returns a frame of the declared
/// size or throws DicomException (no other exception type, no file path, and no process crash,
/// which would abort the whole test run).
/// </summary>
public sealed class NativeCorruptionTests(ITestOutputHelper output)
{
    private const int Mutations = 500;
    private static readonly FrameInfo Info = CodecSamples.Gray(80, 97, 12, signed: false);

    public static TheoryData<string> Codecs => ["j2k-lossless", "j2k-lossy", "jls-lossless", "jls-near"];

    [Theory]
    [MemberData(nameof(Codecs))]
    public void MutatedCodestreams_OnlyEverThrowDicomException(string codec)
    {
        var (encoder, decoder) = Pick(codec);
        byte[] valid = encoder.Encode(CodecSamples.Synthetic(Info, seed: 1), Info);
        Fuzz(decoder, valid, Info, Mutations, seed: codec.Sum(ch => ch), /* string.GetHashCode is randomised per process */ headerBias: 200);
    }

    /// <summary>CharLS 2.4 used to spin forever on these; see CharLsDecoder.Terminated.</summary>
    [Theory]
    [MemberData(nameof(Codecs))]
    public void EveryTruncation_OnlyEverThrowsDicomException(string codec)
    {
        var (encoder, decoder) = Pick(codec);
        byte[] valid = encoder.Encode(CodecSamples.Synthetic(Info, seed: 2), Info);
        int step = Math.Max(1, valid.Length / 400);
        int failures = 0;
        for (int length = 0; length < valid.Length; length += length < 300 ? 1 : step)
        {
            failures += TryDecode(decoder, valid.AsSpan(0, length), Info) ? 0 : 1;
        }

        output.WriteLine($"{codec}: {valid.Length} bytes, {failures} truncations rejected");
        Assert.True(failures > 0);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void DeclaredGeometryMismatch_IsRejected(string codec)
    {
        var (encoder, decoder) = Pick(codec);
        byte[] valid = encoder.Encode(CodecSamples.Synthetic(Info, seed: 3), Info);
        foreach (var wrong in new[] { Info with { Rows = 79 }, Info with { Columns = 98 }, Info with { SamplesPerPixel = 3 }, Info with { Rows = 0 } })
        {
            var ex = Assert.Throws<DicomException>(() => decoder.Decode(valid, wrong));
            Assert.Null(ex.FilePath);
        }
    }

    [Fact]
    public void GarbageAndEmptyInput_AreRejected()
    {
        var random = new Random(5);
        foreach (IFrameDecoder decoder in new IFrameDecoder[] { new OpenJpegDecoder(), new CharLsDecoder() })
        {
            Assert.Throws<DicomException>(() => decoder.Decode([], Info));
            Assert.Throws<DicomException>(() => decoder.Decode([0xFF, 0x4F, 0xFF, 0x51], Info));
            for (int i = 0; i < 50; i++)
            {
                var junk = new byte[random.Next(1, 4000)];
                random.NextBytes(junk);
                Assert.Throws<DicomException>(() => decoder.Decode(junk, Info));
            }
        }
    }

    [Fact]
    public void AbsurdDeclaredGeometry_IsRejectedBeforeAnyAllocation()
    {
        var huge = Info with { Rows = 40000, Columns = 40000 };
        Assert.Throws<DicomException>(() => new OpenJpegDecoder().Decode([0xFF, 0x4F, 0xFF, 0x51], huge));
        Assert.Throws<DicomException>(() => new CharLsDecoder().Decode([0xFF, 0xD8, 0xFF, 0xF7], huge));
    }

    /// <summary>Real WG-04 codestreams, damaged mostly in their headers (where parsers are most fragile).</summary>
    [SkippableTheory]
    [InlineData("RG3_J2KR.dcm")]
    [InlineData("RG3_JLSL.dcm")]
    [InlineData("RG1_J2KI.dcm")]
    public void MutatedSharedFiles_OnlyEverThrowDicomException(string file)
    {
        var info = file.StartsWith("RG1", StringComparison.Ordinal)
            ? new FrameInfo(1955, 1841, 1, 16, 15, false, 0, "MONOCHROME1")
            : new FrameInfo(1760, 1760, 1, 16, 10, false, 0, "MONOCHROME1");
        IFrameDecoder decoder = file.Contains("JLS", StringComparison.Ordinal) ? new CharLsDecoder() : new OpenJpegDecoder();
        byte[] valid = SharedFrames.FirstFrame(file);
        Fuzz(decoder, valid, info, count: 40, seed: file.Length, headerBias: 400);
    }

    private void Fuzz(IFrameDecoder decoder, byte[] valid, FrameInfo info, int count, int seed, int headerBias)
    {
        var random = new Random(seed);
        int rejected = 0;
        for (int i = 0; i < count; i++)
        {
            byte[] damaged = Mutate(valid, random, headerBias);
            rejected += TryDecode(decoder, damaged, info) ? 0 : 1;
        }

        output.WriteLine($"{count} mutations: {rejected} rejected with DicomException, {count - rejected} decoded");
        Assert.True(rejected > 0, "some mutations must be detected");
    }

    /// <summary>
    /// Decodes <paramref name="mutations"/> seeded mutations of a valid codestream and its truncations (200 lengths);
    /// each must decode to the declared size or end in DicomException. Returns how many were rejected.
    /// </summary>
    internal static int RejectedDamage(IFrameDecoder decoder, byte[] valid, FrameInfo info, int seed, int mutations, int headerBias)
    {
        var random = new Random(seed);
        int rejected = 0;
        for (int i = 0; i < mutations; i++)
        {
            rejected += TryDecode(decoder, Mutate(valid, random, headerBias), info) ? 0 : 1;
        }

        for (int length = 0; length < valid.Length; length += Math.Max(1, valid.Length / 200))
        {
            rejected += TryDecode(decoder, valid.AsSpan(0, length), info) ? 0 : 1;
        }

        return rejected;
    }

    /// <summary>True when decoded (and the result has the declared size); false on DicomException.</summary>
    internal static bool TryDecode(IFrameDecoder decoder, ReadOnlySpan<byte> data, FrameInfo info)
    {
        try
        {
            int[] samples = decoder.Decode(data, info);
            Assert.Equal(info.SampleCount, samples.Length);
            return true;
        }
        catch (DicomException ex)
        {
            Assert.Null(ex.FilePath);
            Assert.False(string.IsNullOrWhiteSpace(ex.Reason));
            return false;
        }
    }

    /// <summary>One of: flipped bytes, marker-like 0xFF bytes, truncation, a zeroed run, a duplicated chunk.</summary>
    internal static byte[] Mutate(byte[] valid, Random random, int headerBias)
    {
        byte[] data = (byte[])valid.Clone();
        int Position() => random.Next(2) == 0 ? random.Next(Math.Min(headerBias, data.Length)) : random.Next(data.Length);
        switch (random.Next(5))
        {
            case 0:
                for (int n = random.Next(1, 5); n > 0; n--)
                {
                    data[Position()] ^= (byte)(1 << random.Next(8));
                }

                return data;
            case 1:
                for (int n = random.Next(1, 4); n > 0; n--)
                {
                    data[Position()] = random.Next(2) == 0 ? (byte)0xFF : (byte)random.Next(256);
                }

                return data;
            case 2:
                return data[..random.Next(data.Length)];
            case 3:
                int start = Position();
                data.AsSpan(start, Math.Min(random.Next(1, 64), data.Length - start)).Clear();
                return data;
            default:
                int from = Position();
                int length = Math.Min(random.Next(1, 128), data.Length - from);
                int at = Position();
                return [.. data.AsSpan(0, at), .. data.AsSpan(from, length), .. data.AsSpan(at)];
        }
    }

    private static (IFrameEncoder Encoder, IFrameDecoder Decoder) Pick(string codec) => codec switch
    {
        "j2k-lossless" => (new OpenJpegEncoder(), new OpenJpegDecoder()),
        "j2k-lossy" => (new OpenJpegEncoder(lossless: false, compressionRatio: 8), new OpenJpegDecoder()),
        "jls-lossless" => (new CharLsEncoder(), new CharLsDecoder()),
        _ => (new CharLsEncoder(nearLossless: 3), new CharLsDecoder()),
    };
}
