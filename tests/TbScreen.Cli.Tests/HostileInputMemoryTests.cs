using System.Diagnostics;
using System.IO.Compression;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TbScreen.Dicom;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Tests.TestData;
using TbScreen.Dicom.Writing;
using TbScreen.Imaging.Tests;
using Xunit.Abstractions;

namespace TbScreen.Cli.Tests;

/// <summary>
/// Issue 17 (Medium 4), the whole process: `tbscreen screen` over a folder of hostile files (a deflate bomb, PNG and
/// JPEG headers claiming 3.6 gigapixels, a DICOM claiming 65535 x 65535 16-bit pixels) finishes every file with its
/// own error, screens the good one, and its peak resident memory stays under a stated ceiling. Decoding any of
/// them would need gigabytes.
/// </summary>
public sealed class HostileInputMemoryTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The stated ceiling: the models and runtime take about 430 MB; decoding any one of the files would take over a gigabyte.</summary>
    private const long CeilingBytes = 1024L << 20;

    private readonly string _dir = Directory.CreateTempSubdirectory("tbscreen-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Screening_hostile_files_stays_under_the_memory_ceiling_and_fails_each_one_with_its_reason()
    {
        string inputs = Directory.CreateDirectory(Path.Combine(_dir, "in")).FullName;
        var sample = SampleDatasets.Create(new SampleSpec(Rows: 256, Columns: 224)).Dataset;
        File.WriteAllBytes(Path.Combine(inputs, "good.dcm"), DicomWriter.Write(sample, TransferSyntax.ExplicitVrLittleEndianUid));
        File.WriteAllBytes(Path.Combine(inputs, "bomb.dcm"), DeflateBomb());
        File.WriteAllBytes(Path.Combine(inputs, "huge.png"), PngBytes.GrayHeaderOnly(60000, 60000));
        File.WriteAllBytes(Path.Combine(inputs, "huge.jpg"), JpegClaiming(60000, 60000));
        var lying = SampleDatasets.Create(new SampleSpec(Rows: 64, Columns: 64, Seed: 3)).Dataset
            .AddUInt16(DicomTag.Rows, 65535).AddUInt16(DicomTag.Columns, 65535);
        File.WriteAllBytes(Path.Combine(inputs, "huge-dims.dcm"), DicomWriter.Write(lying, TransferSyntax.ExplicitVrLittleEndianUid));
        string results = Path.Combine(_dir, "results.csv");

        var (exitCode, peak, stderr) = await RunAsync(["screen", inputs, "--out", results, "--jobs", "2",
            "--models", Path.Combine(SharedDicomData.RepositoryRoot, "models")]);

        output.WriteLine($"peak resident memory {peak >> 20} MB (ceiling {CeilingBytes >> 20} MB); exit {exitCode}");
        var rows = File.ReadAllLines(results).Skip(1).ToDictionary(l => Path.GetFileName(l.Split(',')[0].Trim('"')), l => l);
        Assert.True(exitCode == 1, $"exit {exitCode} (1: some inputs failed)\n{stderr}");
        Assert.Equal(5, rows.Count);
        Assert.Contains(",ok,", rows["good.dcm"], StringComparison.Ordinal);
        Assert.Contains("limit", rows["bomb.dcm"], StringComparison.Ordinal);
        Assert.Contains("60000x60000", rows["huge.png"], StringComparison.Ordinal);
        Assert.Contains("60000x60000", rows["huge.jpg"], StringComparison.Ordinal);
        Assert.DoesNotContain(",ok,", rows["huge-dims.dcm"], StringComparison.Ordinal);
        Assert.True(peak > 0, "no memory reading");
        Assert.True(peak < CeilingBytes, $"peak resident memory {peak >> 20} MB is over the {CeilingBytes >> 20} MB ceiling");
    }

    /// <summary>Runs the built tbscreen.dll, reading its high-water mark (VmHWM) from /proc until it exits.</summary>
    private static async Task<(int ExitCode, long PeakBytes, string Stderr)> RunAsync(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tbscreen.dll"));
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        long peak = 0;
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            peak = Math.Max(peak, HighWaterMark(process.Id));
            await Task.Delay(20);
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        await stdout;
        return (process.ExitCode, peak, await stderr);
    }

    private static long HighWaterMark(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0; // the process has just exited
        }
    }

    /// <summary>A real deflated DICOM whose body is followed by 1 GB of deflated zeros (about a megabyte on disk).</summary>
    private static byte[] DeflateBomb()
    {
        var sample = DicomWriter.Write(SampleDatasets.Create(new SampleSpec(64, 64)).Dataset, TransferSyntax.DeflatedExplicitVrLittleEndianUid);
        int groupLength = BitConverter.ToInt32(sample, 132 + 8);
        using var bomb = new MemoryStream();
        bomb.Write(sample, 0, 132 + 12 + groupLength);
        using (var deflate = new DeflateStream(bomb, CompressionLevel.Fastest, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 1024; i++)
            {
                deflate.Write(zeros);
            }
        }

        return bomb.ToArray();
    }

    /// <summary>A real 16 x 16 baseline JPEG whose frame header (SOF0) is patched to claim other dimensions.</summary>
    private static byte[] JpegClaiming(int width, int height)
    {
        using var image = new Image<L8>(16, 16);
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        byte[] bytes = stream.ToArray();
        int sof = Enumerable.Range(0, bytes.Length - 1).First(i => bytes[i] == 0xFF && bytes[i + 1] == 0xC0);
        // FF C0, length (2), precision (1), then height and width, big-endian.
        bytes[sof + 5] = (byte)(height >> 8);
        bytes[sof + 6] = (byte)height;
        bytes[sof + 7] = (byte)(width >> 8);
        bytes[sof + 8] = (byte)width;
        return bytes;
    }
}
