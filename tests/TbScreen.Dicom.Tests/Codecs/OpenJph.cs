using System.Buffers.Binary;
using System.Globalization;
using TbScreen.Dicom.Codecs;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>
/// OpenJPH's command line tools (Debian package openjph-tools): an HTJ2K encoder and decoder independent of the
/// OpenJPEG library we decode with. When they are missing the tests skip naming the package; under CI=true they fail
/// instead (.ci/run installs the package).
/// </summary>
internal static class OpenJph
{
    private static readonly ExternalTool Tools = new("openjph-tools", "ojph_compress", "ojph_expand");

    public static string? MissingReason => Tools.MissingReason;

    public static void Require() => Tools.Require();

    /// <summary>
    /// Encodes one grey frame with ojph_compress: unsigned data as a PGM of Bits Stored precision, signed data as raw
    /// 16-bit samples (ojph 0.9 reads raw input correctly only at 16 bits). <paramref name="qstep"/> null is reversible.
    /// </summary>
    public static byte[] Compress(ReadOnlySpan<int> samples, FrameInfo info, double? qstep = null, string progression = "RPCL")
    {
        Assert.Equal(1, info.SamplesPerPixel);
        using var folder = new ExternalTool.TempFolder();
        string input;
        List<string> arguments;
        if (info.IsSigned)
        {
            input = Path.Combine(folder.Path, "in.raw");
            var raw = new byte[samples.Length * 2];
            for (int i = 0; i < samples.Length; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(raw.AsSpan(i * 2), (short)samples[i]);
            }

            File.WriteAllBytes(input, raw);
            arguments = ["-dims", $"{{{info.Columns},{info.Rows}}}", "-num_comps", "1", "-signed", "true", "-bit_depth", "16", "-downsamp", "{1,1}"];
        }
        else
        {
            input = Path.Combine(folder.Path, "in.pgm");
            File.WriteAllBytes(input, Pnm.Write(samples, info));
            arguments = [];
        }

        string output = Path.Combine(folder.Path, "out.j2c");
        arguments.AddRange(["-i", input, "-o", output, "-prog_order", progression]);
        arguments.AddRange(qstep is null
            ? ["-reversible", "true"]
            : ["-reversible", "false", "-qstep", qstep.Value.ToString(CultureInfo.InvariantCulture)]);
        ExternalTool.Run("ojph_compress", arguments);
        return File.ReadAllBytes(output);
    }

    /// <summary>Decodes an unsigned grey codestream with ojph_expand (to a PGM), as the independent reference.</summary>
    public static int[] Expand(byte[] codestream)
    {
        using var folder = new ExternalTool.TempFolder();
        string input = Path.Combine(folder.Path, "in.j2c");
        string output = Path.Combine(folder.Path, "out.pgm");
        File.WriteAllBytes(input, codestream);
        ExternalTool.Run("ojph_expand", ["-i", input, "-o", output]);
        return Pnm.Read(File.ReadAllBytes(output)).Samples;
    }

    /// <summary>Decodes a signed grey codestream with ojph_expand (to raw 16-bit little-endian samples).</summary>
    public static int[] ExpandSigned(byte[] codestream, int count)
    {
        using var folder = new ExternalTool.TempFolder();
        string input = Path.Combine(folder.Path, "in.j2c");
        string output = Path.Combine(folder.Path, "out.raw");
        File.WriteAllBytes(input, codestream);
        ExternalTool.Run("ojph_expand", ["-i", input, "-o", output]);
        byte[] raw = File.ReadAllBytes(output);
        Assert.Equal(count * 2, raw.Length);
        return Enumerable.Range(0, count).Select(i => (int)BinaryPrimitives.ReadInt16LittleEndian(raw.AsSpan(i * 2))).ToArray();
    }
}

/// <summary>An <see cref="IFrameEncoder"/> over ojph_compress, so our writer can wrap its codestreams in DICOM files.</summary>
internal sealed class OpenJphEncoder(string transferSyntaxUid, double? qstep = null) : IFrameEncoder
{
    public string TransferSyntaxUid { get; } = transferSyntaxUid;

    public byte[] Encode(ReadOnlySpan<int> samples, FrameInfo info) => OpenJph.Compress(samples, info, qstep);
}
