using System.Globalization;
using TbScreen.Dicom.Codecs;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>
/// libjxl's command line tools (Debian package libjxl-tools): the reference JPEG XL encoder, and its decoder.
/// cjxl and djxl 0.7 read and write a PNM whose maxval is neither 255 nor 65535 (say 4095) with the samples on the
/// 16-bit scale: 3891 in a 12-bit PGM is taken as 3891/65535 of full scale and stored as 243. The helpers scale to
/// and from that convention, and the tests check the codestream's own precision.
/// </summary>
internal static class Cjxl
{
    private static readonly ExternalTool Tools = new("libjxl-tools", "cjxl", "djxl");

    public static void Require() => Tools.Require();

    /// <summary>Encodes a grey or RGB frame; <paramref name="distance"/> 0 is lossless (modular), above 0 lossy (VarDCT).</summary>
    public static byte[] Compress(ReadOnlySpan<int> samples, FrameInfo info, double distance = 0, int effort = 3)
    {
        using var folder = new ExternalTool.TempFolder();
        string input = Path.Combine(folder.Path, info.SamplesPerPixel == 1 ? "in.pgm" : "in.ppm");
        File.WriteAllBytes(input, Pnm.Write(ToSixteenBitScale(samples, info.BitsStored), info));
        return Run(input, folder, ["-d", distance.ToString(CultureInfo.InvariantCulture), "-e", effort.ToString(CultureInfo.InvariantCulture)]);
    }

    /// <summary>Re-codes a JPEG file without loss of its DCT coefficients (what transfer syntax .111 carries).</summary>
    public static byte[] RecompressJpeg(byte[] jpeg)
    {
        using var folder = new ExternalTool.TempFolder();
        string input = Path.Combine(folder.Path, "in.jpg");
        File.WriteAllBytes(input, jpeg);
        return Run(input, folder, ["--lossless_jpeg=1"]);
    }

    /// <summary>djxl's decode to PNM, at the precision it reports.</summary>
    public static (int[] Samples, int MaxValue) Expand(byte[] codestream, int channels = 1)
    {
        using var folder = new ExternalTool.TempFolder();
        string input = Path.Combine(folder.Path, "in.jxl"), output = Path.Combine(folder.Path, channels == 1 ? "out.pgm" : "out.ppm");
        File.WriteAllBytes(input, codestream);
        ExternalTool.Run("djxl", [input, output]);
        var (samples, maxValue) = Pnm.Read(File.ReadAllBytes(output));
        return maxValue is 255 or 65535 ? (samples, maxValue) : ([.. samples.Select(v => (int)Math.Round(v * (double)maxValue / 65535))], maxValue);
    }

    private static int[] ToSixteenBitScale(ReadOnlySpan<int> samples, int bits)
    {
        int maxValue = (1 << bits) - 1;
        var scaled = samples.ToArray();
        if (maxValue is not (255 or 65535))
        {
            for (int i = 0; i < scaled.Length; i++)
            {
                scaled[i] = (int)Math.Round(scaled[i] * 65535.0 / maxValue);
            }
        }

        return scaled;
    }

    private static byte[] Run(string input, ExternalTool.TempFolder folder, IEnumerable<string> options)
    {
        string output = Path.Combine(folder.Path, "out.jxl");
        ExternalTool.Run("cjxl", [input, output, .. options]);
        return File.ReadAllBytes(output);
    }
}

/// <summary>An <see cref="IFrameEncoder"/> over cjxl, so our writer can wrap its codestreams in DICOM files.</summary>
internal sealed class CjxlEncoder(string transferSyntaxUid, double distance = 0) : IFrameEncoder
{
    public string TransferSyntaxUid { get; } = transferSyntaxUid;

    public byte[] Encode(ReadOnlySpan<int> samples, FrameInfo info) => Cjxl.Compress(samples, info, distance);
}
