using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Jpeg;
using Xunit.Abstractions;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>
/// Damaged streams must fail with <see cref="DicomException"/> only, and cheaply: the guard counts bytes allocated,
/// not milliseconds, so a loaded CI machine cannot make it flaky.
/// </summary>
public class JpegCorruptionTests(ITestOutputHelper output)
{
    public static TheoryData<string> Codecs() => new() { "lossless", "baseline" };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void TruncationsAndBitFlipsOnlyRaiseDicomException(string codec)
    {
        const int Width = 61;
        const int Height = 37;
        bool lossless = codec == "lossless";
        int bits = lossless ? 16 : 8;
        FrameInfo info = SyntheticImage.Info(Width, Height, bits);
        int[] pixels = SyntheticImage.Create(Width, Height, bits, seed: 77);
        byte[] good = lossless
            ? new JpegLosslessEncoder(6, restartInterval: Width * 4).Encode(pixels, info)
            : new JpegBaselineEncoder().Encode(pixels, info);
        IFrameDecoder decoder = lossless ? new JpegLosslessDecoder() : new JpegBaselineDecoder();
        var rnd = new Random(2024);
        int failures = 0;
        // What decoding the real frame costs, times four, plus room for an exception and its message: a decoder that
        // believed a damaged header and sized buffers from it would allocate far more.
        long budget = (4 * Allocated(() => decoder.Decode(good, info))) + (64 * 1024);
        long most = 0;

        for (int iteration = 0; iteration < 2000; iteration++)
        {
            byte[] bad = Damage(good, rnd, iteration);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                int[] result = decoder.Decode(bad, info);
                Assert.Equal(pixels.Length, result.Length);
            }
            catch (DicomException)
            {
                failures++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"iteration {iteration}: {ex.GetType().Name}: {ex.Message}");
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            most = Math.Max(most, allocated);
            Assert.True(allocated <= budget, $"iteration {iteration} allocated {allocated} bytes, over the {budget} budget");
        }

        output.WriteLine($"{failures} of 2000 rejected; most allocated by one damaged stream {most} bytes, budget {budget}");
        Assert.True(failures > 100, $"only {failures} damaged streams were rejected");
    }

    [Fact]
    public void EveryTruncationOfALosslessStreamIsRejected()
    {
        FrameInfo info = SyntheticImage.Info(23, 11, 12);
        byte[] good = new JpegLosslessEncoder(7, restartInterval: 23).Encode(SyntheticImage.Create(23, 11, 12, seed: 8), info);

        // Cutting anywhere before the last data byte loses samples; only the EOI itself is optional.
        for (int length = 0; length < good.Length - 3; length++)
        {
            byte[] cut = good[..length];
            Assert.Throws<DicomException>(() => new JpegLosslessDecoder().Decode(cut, info));
        }
    }

    /// <summary>Bytes this thread allocates running the action once more after a warm-up run.</summary>
    private static long Allocated(Action action)
    {
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static byte[] Damage(byte[] good, Random rnd, int iteration)
    {
        byte[] bad;
        switch (iteration % 4)
        {
            case 0: // truncate
                bad = good[..rnd.Next(good.Length)];
                break;
            case 1: // flip a few bits anywhere
                bad = (byte[])good.Clone();
                for (int k = rnd.Next(1, 4); k > 0; k--)
                {
                    bad[rnd.Next(bad.Length)] ^= (byte)(1 << rnd.Next(8));
                }

                break;
            case 2: // damage the headers (first 64 bytes) with random bytes
                bad = (byte[])good.Clone();
                bad[rnd.Next(Math.Min(64, bad.Length))] = (byte)rnd.Next(256);
                break;
            default: // insert a random marker in the data
                bad = (byte[])good.Clone();
                int at = rnd.Next(2, bad.Length - 1);
                bad[at] = 0xFF;
                bad[at + 1] = (byte)rnd.Next(0xC0, 0x100);
                break;
        }

        return bad;
    }
}
