using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using TbScreen.Dicom.Codecs;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>
/// OpenJPH's command line tools (Debian package openjph-tools): an HTJ2K encoder and decoder independent of the
/// OpenJPEG library we decode with. When they are missing the tests skip naming the package; under CI=true they fail
/// instead (.ci/run installs the package).
/// </summary>
internal static class OpenJph
{
    private static readonly string[] Tools = ["ojph_compress", "ojph_expand"];

    public static string? MissingReason { get; } = FindMissing();

    public static void Require()
    {
        if (MissingReason is not null)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", MissingReason);
            Skip.If(true, MissingReason);
        }
    }

    /// <summary>
    /// Encodes one grey frame with ojph_compress: unsigned data as a PGM of Bits Stored precision, signed data as raw
    /// 16-bit samples (ojph 0.9 reads raw input correctly only at 16 bits). <paramref name="qstep"/> null is reversible.
    /// </summary>
    public static byte[] Compress(ReadOnlySpan<int> samples, FrameInfo info, double? qstep = null, string progression = "RPCL")
    {
        Assert.Equal(1, info.SamplesPerPixel);
        using var folder = new TempFolder();
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
            File.WriteAllBytes(input, Pgm(samples, info));
            arguments = [];
        }

        string output = Path.Combine(folder.Path, "out.j2c");
        arguments.AddRange(["-i", input, "-o", output, "-prog_order", progression]);
        arguments.AddRange(qstep is null
            ? ["-reversible", "true"]
            : ["-reversible", "false", "-qstep", qstep.Value.ToString(CultureInfo.InvariantCulture)]);
        Run("ojph_compress", arguments);
        return File.ReadAllBytes(output);
    }

    /// <summary>Decodes an unsigned grey codestream with ojph_expand (to a PGM), as the independent reference.</summary>
    public static int[] Expand(byte[] codestream)
    {
        using var folder = new TempFolder();
        string input = Path.Combine(folder.Path, "in.j2c");
        string output = Path.Combine(folder.Path, "out.pgm");
        File.WriteAllBytes(input, codestream);
        Run("ojph_expand", ["-i", input, "-o", output]);
        return ReadPgm(File.ReadAllBytes(output));
    }

    /// <summary>Decodes a signed grey codestream with ojph_expand (to raw 16-bit little-endian samples).</summary>
    public static int[] ExpandSigned(byte[] codestream, int count)
    {
        using var folder = new TempFolder();
        string input = Path.Combine(folder.Path, "in.j2c");
        string output = Path.Combine(folder.Path, "out.raw");
        File.WriteAllBytes(input, codestream);
        Run("ojph_expand", ["-i", input, "-o", output]);
        byte[] raw = File.ReadAllBytes(output);
        Assert.Equal(count * 2, raw.Length);
        return Enumerable.Range(0, count).Select(i => (int)BinaryPrimitives.ReadInt16LittleEndian(raw.AsSpan(i * 2))).ToArray();
    }

    private static byte[] Pgm(ReadOnlySpan<int> samples, FrameInfo info)
    {
        int maxValue = (1 << info.BitsStored) - 1;
        byte[] header = Encoding.ASCII.GetBytes($"P5\n{info.Columns} {info.Rows}\n{maxValue}\n");
        int width = maxValue > 255 ? 2 : 1;
        var bytes = new byte[header.Length + (samples.Length * width)];
        header.CopyTo(bytes, 0);
        for (int i = 0; i < samples.Length; i++)
        {
            if (width == 2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(header.Length + (i * 2)), (ushort)samples[i]);
            }
            else
            {
                bytes[header.Length + i] = (byte)samples[i];
            }
        }

        return bytes;
    }

    private static int[] ReadPgm(byte[] pgm)
    {
        // Header: P5, width, height, maxval, each separated by whitespace, then one whitespace byte.
        int position = 0;
        string[] fields = new string[4];
        for (int f = 0; f < 4; f++)
        {
            while (char.IsWhiteSpace((char)pgm[position]))
            {
                position++;
            }

            int start = position;
            while (!char.IsWhiteSpace((char)pgm[position]))
            {
                position++;
            }

            fields[f] = Encoding.ASCII.GetString(pgm, start, position - start);
        }

        position++;
        Assert.Equal("P5", fields[0]);
        int count = int.Parse(fields[1], CultureInfo.InvariantCulture) * int.Parse(fields[2], CultureInfo.InvariantCulture);
        bool wide = int.Parse(fields[3], CultureInfo.InvariantCulture) > 255;
        var values = new int[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = wide ? BinaryPrimitives.ReadUInt16BigEndian(pgm.AsSpan(position + (i * 2))) : pgm[position + i];
        }

        return values;
    }

    private static void Run(string tool, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish within 60 s");
        }

        Assert.True(process.ExitCode == 0, $"{tool} exited {process.ExitCode}: {stdout.Result}{stderr.Result}");
    }

    private static string? FindMissing()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
        var missing = Tools.Where(t => !path.Any(d => File.Exists(Path.Combine(d, t)))).ToList();
        return missing.Count == 0
            ? null
            : $"OpenJPH tools not found ({string.Join(", ", missing)}): install the Debian package openjph-tools (apt-get install openjph-tools; .ci/run does)";
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("tbscreen-ojph-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

/// <summary>An <see cref="IFrameEncoder"/> over ojph_compress, so our writer can wrap its codestreams in DICOM files.</summary>
internal sealed class OpenJphEncoder(string transferSyntaxUid, double? qstep = null) : IFrameEncoder
{
    public string TransferSyntaxUid { get; } = transferSyntaxUid;

    public byte[] Encode(ReadOnlySpan<int> samples, FrameInfo info) => OpenJph.Compress(samples, info, qstep);
}
