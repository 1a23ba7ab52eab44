using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Native;
using TbScreen.Dicom.Samples;

/// <summary>
/// JPEG 2000 against High-Throughput JPEG 2000, both lossless and both decoded by the OpenJPEG the reader uses, on
/// the same full-size chest phantoms in one run (HTJ2K's point is decoding speed), with lossless JPEG XL (cjxl at its
/// default effort, decoded by our libjxl binding) beside them. OpenJPH's own ojph_expand, a whole process, is timed as
/// an outside reference. Needs libopenjp2-7, openjph-tools, libjxl0.7 and libjxl-tools.
/// </summary>
internal static class HtJ2kBenchmark
{
    public static int Run(int images, int rows, int columns, int runs)
    {
        var decoder = new OpenJpegDecoder();
        var jxlDecoder = new JpegXlDecoder();
        var j2k = new List<double>();
        var htj2k = new List<double>();
        var jxl = new List<double>();
        var expand = new List<double>();
        long j2kBytes = 0, htj2kBytes = 0, jxlBytes = 0;
        string folder = Directory.CreateTempSubdirectory("tbscreen-htj2k-").FullName;
        try
        {
            for (int image = 0; image < images; image++)
            {
                var (_, stored) = SampleDatasets.Create(new SampleSpec(Rows: rows, Columns: columns, BitsStored: 12, Seed: 100 + image));
                var info = new FrameInfo(rows, columns, 1, 16, 12, false, 0, "MONOCHROME2");
                byte[] part1 = new OpenJpegEncoder(lossless: true).Encode(stored, info);
                byte[] part15 = Compress(folder, stored, info);
                byte[] xl = CompressJpegXl(folder, stored, info);
                j2kBytes += part1.Length;
                htj2kBytes += part15.Length;
                jxlBytes += xl.Length;
                if (!decoder.Decode(part1, info).SequenceEqual(stored) || !decoder.Decode(part15, info).SequenceEqual(stored)
                    || !jxlDecoder.Decode(xl, info).SequenceEqual(stored))
                {
                    Console.Error.WriteLine("htj2k: a lossless decode differs from the source; not timing it");
                    return 1;
                }

                string codestream = Path.Combine(folder, "in.j2c");
                File.WriteAllBytes(codestream, part15);
                for (int run = 0; run < runs; run++)
                {
                    j2k.Add(Timing.Milliseconds(() => decoder.Decode(part1, info)));
                    htj2k.Add(Timing.Milliseconds(() => decoder.Decode(part15, info)));
                    jxl.Add(Timing.Milliseconds(() => jxlDecoder.Decode(xl, info)));
                    expand.Add(Timing.Milliseconds(() => Tool("ojph_expand", "-i", codestream, "-o", Path.Combine(folder, "out.pgm"))));
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        double j2kMedian = Timing.Quantile(j2k, 0.5), htMedian = Timing.Quantile(htj2k, 0.5), jxlMedian = Timing.Quantile(jxl, 0.5), expandMedian = Timing.Quantile(expand, 0.5);
        Console.WriteLine($"{images} phantom(s) {columns}x{rows}, 12-bit, lossless, {runs} runs each; OpenJPEG and libjxl 1 thread, in process");
        Console.WriteLine("| codestream | mean size (KB) | decode ms, median (p10-p90) |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine(F($"| JPEG 2000 (OpenJPEG encoder) | {j2kBytes / 1024.0 / images:F0} | {j2kMedian:F1} ({Timing.Quantile(j2k, 0.1):F1}-{Timing.Quantile(j2k, 0.9):F1}) |"));
        Console.WriteLine(F($"| HTJ2K (OpenJPH encoder) | {htj2kBytes / 1024.0 / images:F0} | {htMedian:F1} ({Timing.Quantile(htj2k, 0.1):F1}-{Timing.Quantile(htj2k, 0.9):F1}) |"));
        Console.WriteLine(F($"| JPEG XL lossless (cjxl, libjxl decoder) | {jxlBytes / 1024.0 / images:F0} | {jxlMedian:F1} ({Timing.Quantile(jxl, 0.1):F1}-{Timing.Quantile(jxl, 0.9):F1}) |"));
        Console.WriteLine(F($"| HTJ2K by `ojph_expand` (whole process, writes a PGM) | | {expandMedian:F1} ({Timing.Quantile(expand, 0.1):F1}-{Timing.Quantile(expand, 0.9):F1}) |"));
        Console.WriteLine(F($"JPEG 2000 / HTJ2K decode time with OpenJPEG: {j2kMedian / htMedian:F2}; HTJ2K / JPEG 2000 size: {(double)htj2kBytes / j2kBytes:F2}"));
        Console.WriteLine(F($"JPEG XL / JPEG 2000 decode time: {jxlMedian / j2kMedian:F2}; JPEG XL / JPEG 2000 size: {(double)jxlBytes / j2kBytes:F2}"));
        return 0;
    }

    private static byte[] Compress(string folder, int[] stored, FrameInfo info)
    {
        string pgm = Path.Combine(folder, "in.pgm"), output = Path.Combine(folder, "out.j2c");
        byte[] header = Encoding.ASCII.GetBytes($"P5\n{info.Columns} {info.Rows}\n{(1 << info.BitsStored) - 1}\n");
        var bytes = new byte[header.Length + (stored.Length * 2)];
        header.CopyTo(bytes, 0);
        for (int i = 0; i < stored.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(header.Length + (2 * i)), (ushort)stored[i]);
        }

        File.WriteAllBytes(pgm, bytes);
        Tool("ojph_compress", "-i", pgm, "-o", output, "-reversible", "true");
        return File.ReadAllBytes(output);
    }

    /// <summary>
    /// cjxl at its default effort. cjxl 0.7 reads a PGM whose maxval is not 255 or 65535 on the 16-bit scale, so the
    /// 12-bit samples are written scaled (the decode check above proves the codestream holds them exactly).
    /// </summary>
    private static byte[] CompressJpegXl(string folder, int[] stored, FrameInfo info)
    {
        string pgm = Path.Combine(folder, "in-jxl.pgm"), output = Path.Combine(folder, "out.jxl");
        int maxValue = (1 << info.BitsStored) - 1;
        byte[] header = Encoding.ASCII.GetBytes($"P5\n{info.Columns} {info.Rows}\n{maxValue}\n");
        var bytes = new byte[header.Length + (stored.Length * 2)];
        header.CopyTo(bytes, 0);
        for (int i = 0; i < stored.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(header.Length + (2 * i)), (ushort)Math.Round(stored[i] * 65535.0 / maxValue));
        }

        File.WriteAllBytes(pgm, bytes);
        Tool("cjxl", pgm, output, "-d", "0");
        return File.ReadAllBytes(output);
    }

    private static void Tool(string name, params string[] arguments)
    {
        var start = new ProcessStartInfo(name) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {name} (apt-get install openjph-tools libjxl-tools)");
        string errors = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{name} exited {process.ExitCode}: {errors}");
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
