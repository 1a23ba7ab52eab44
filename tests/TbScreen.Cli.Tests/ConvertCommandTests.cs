using TbScreen.Dicom.Tests.Conformance;
using TbScreen.Dicom.Tests.TestData;

namespace TbScreen.Cli.Tests;

public sealed class ConvertCommandTests
{
    public static TheoryData<string> LosslessSharedFiles() => ReferenceCase.FileNames(c => !c.Lossy);

    [SkippableTheory]
    [MemberData(nameof(LosslessSharedFiles))]
    public void StoredOutputIsByteIdenticalToTheReference(string file)
    {
        var reference = ReferenceCase.Load().Single(c => c.File == file);
        string output = CliRunner.TempPath("out.raw");

        var (code, _, stderr) = CliRunner.Run("convert", SharedDicomData.PathOf(file), "--stored", "--out", output);

        Assert.True(code == 0, stderr);
        Assert.Equal(File.ReadAllBytes(SharedDicomData.PathOf(reference.RefFile)), File.ReadAllBytes(output));
    }

    [SkippableFact]
    public void StoredOutputOfMultiFrameFileIsFrameOne()
    {
        string output = CliRunner.TempPath("frame1.raw");
        var (code, _, _) = CliRunner.Run("convert", SharedDicomData.PathOf("HasFragmentSequence.dcm"), "--stored", "--out", output);

        Assert.Equal(0, code);
        Assert.Equal(512 * 512 * 2, new FileInfo(output).Length);
    }

    [SkippableTheory]
    [InlineData(null, 440, 440)]
    [InlineData(256, 256, 256)]
    public void PngOutputHasTheRequestedSize(int? size, int width, int height)
    {
        string output = CliRunner.TempPath("out.png");
        var args = new List<string> { "convert", SharedDicomData.PathOf("CR-MONO1-10-chest.dcm"), "--out", output };
        if (size is int n)
        {
            args.AddRange(["--size", n.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        var (code, _, stderr) = CliRunner.Run([.. args]);

        Assert.True(code == 0, stderr);
        var bytes = File.ReadAllBytes(output);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [SkippableFact]
    public void Monochrome1IsInvertedForDisplay()
    {
        // CR-MONO1's corners are collimated (high stored values in MONOCHROME1 = dark on screen).
        string output = CliRunner.TempPath("mono1.png");
        Assert.Equal(0, CliRunner.Run("convert", SharedDicomData.PathOf("CR-MONO1-10-chest.dcm"), "--out", output).ExitCode);
        string raw = CliRunner.TempPath("mono1.raw");
        Assert.Equal(0, CliRunner.Run("convert", SharedDicomData.PathOf("CR-MONO1-10-chest.dcm"), "--stored", "--out", raw).ExitCode);

        var stored = File.ReadAllBytes(raw);
        var display = Imaging.RasterImageLoader.Default.Load(output).StoredPixels;
        int brightestStored = Enumerable.Range(0, display.Length).MaxBy(i => stored[2 * i] | (stored[2 * i + 1] << 8));
        int darkestStored = Enumerable.Range(0, display.Length).MinBy(i => stored[2 * i] | (stored[2 * i + 1] << 8));
        Assert.True(display[brightestStored] < display[darkestStored]);
    }
}
