using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Native;
using TbScreen.Dicom.Samples;

/// <summary>
/// JPEG 2000 against High-Throughput JPEG 2000, both lossless and both decoded by the OpenJPEG the reader uses, on
/// the same full-size chest phantoms in one run (HTJ2K's point is decoding speed). OpenJPH's own ojph_expand, a whole
/// process, is timed beside them as an outside reference. Needs libopenjp2-7 and openjph-tools.
/// </summary>
internal static class HtJ2kBenchmark
{
    public static int Run(int images, int rows, int columns, int runs)
    {
        var decoder = new OpenJpegDecoder();
        var j2k = new List<double>();
        var htj2k = new List<double>();
        var expand = new List<double>();
        long j2kBytes = 0, htj2kBytes = 0;
        string folder = Directory.CreateTempSubdirectory("tbscreen-htj2k-").FullName;
        try
        {
            for (int image = 0; image < images; image++)
            {
                var (_, stored) = SampleDatasets.Create(new SampleSpec(Rows: rows, Columns: columns, BitsStored: 12, Seed: 100 + image));
                var info = new FrameInfo(rows, columns, 1, 16, 12, false, 0, "MONOCHROME2");
                byte[] part1 = new OpenJpegEncoder(lossless: true).Encode(stored, info);
                byte[] part15 = Compress(folder, stored, info);
                j2kBytes += part1.Length;
                htj2kBytes += part15.Length;
                if (!decoder.Decode(part1, info).SequenceEqual(stored) || !decoder.Decode(part15, info).SequenceEqual(stored))
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
                    expand.Add(Timing.Milliseconds(() => Tool("ojph_expand", "-i", codestream, "-o", Path.Combine(folder, "out.pgm"))));
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        double j2kMedian = Timing.Quantile(j2k, 0.5), htMedian = Timing.Quantile(htj2k, 0.5), expandMedian = Timing.Quantile(expand, 0.5);
        Console.WriteLine($"{images} phantom(s) {columns}x{rows}, 12-bit, lossless, {runs} runs each; OpenJPEG 1 thread, in process");
        Console.WriteLine("| codestream | mean size (KB) | decode ms, median (p10-p90) |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine(F($"| JPEG 2000 (OpenJPEG encoder) | {j2kBytes / 1024.0 / images:F0} | {j2kMedian:F1} ({Timing.Quantile(j2k, 0.1):F1}-{Timing.Quantile(j2k, 0.9):F1}) |"));
        Console.WriteLine(F($"| HTJ2K (OpenJPH encoder) | {htj2kBytes / 1024.0 / images:F0} | {htMedian:F1} ({Timing.Quantile(htj2k, 0.1):F1}-{Timing.Quantile(htj2k, 0.9):F1}) |"));
        Console.WriteLine(F($"| HTJ2K by `ojph_expand` (whole process, writes a PGM) | | {expandMedian:F1} ({Timing.Quantile(expand, 0.1):F1}-{Timing.Quantile(expand, 0.9):F1}) |"));
        Console.WriteLine(F($"JPEG 2000 / HTJ2K decode time with OpenJPEG: {j2kMedian / htMedian:F2}; HTJ2K / JPEG 2000 size: {(double)htj2kBytes / j2kBytes:F2}"));
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

    private static void Tool(string name, params string[] arguments)
    {
        var start = new ProcessStartInfo(name) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {name} (apt-get install openjph-tools)");
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
