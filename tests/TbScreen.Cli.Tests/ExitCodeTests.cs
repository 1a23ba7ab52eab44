using System.Diagnostics;
using System.Text;
using TbScreen.Dicom.Tests.TestData;

using TbScreen.Cli.Commands;

namespace TbScreen.Cli.Tests;

/// <summary>The exit-code contract other tools rely on: 0 ok, 2 bad input or usage, 3 unsupported transfer syntax.</summary>
public sealed class ExitCodeTests
{
    [Theory]
    [InlineData("inspect")]
    [InlineData("convert")]
    public void MissingFileIsExitTwoWithOneLineNamingIt(string verb)
    {
        string missing = "/nonexistent/dir/missing.dcm";
        var args = verb == "inspect" ? new[] { verb, missing } : [verb, missing, "--out", CliRunner.TempPath("x.png")];

        var (code, _, stderr) = CliRunner.Run(args);

        Assert.Equal(2, code);
        AssertOneLineError(stderr, missing, "not found");
    }

    [Fact]
    public void GarbageFileIsExitTwoWithTheReason()
    {
        string path = CliRunner.TempPath("garbage.dcm");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes(new string('x', 4000)));

        var (code, _, stderr) = CliRunner.Run("convert", path, "--out", CliRunner.TempPath("g.png"));

        Assert.Equal(2, code);
        AssertOneLineError(stderr, path, "not a DICOM file");
    }

    [SkippableFact]
    public void TruncatedDicomIsExitTwo()
    {
        var bytes = File.ReadAllBytes(SharedDicomData.PathOf("CT-MONO2-16-ankle.dcm"));
        string path = CliRunner.TempPath("truncated.dcm");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var (code, _, stderr) = CliRunner.Run("convert", path, "--stored", "--out", CliRunner.TempPath("t.raw"));

        Assert.Equal(2, code);
        AssertOneLineError(stderr, path, "exceeds");
    }

    [Fact]
    public void UnsupportedTransferSyntaxIsExitThreeNamingTheUid()
    {
        string path = CliRunner.TempPath("mpeg.dcm");
        var sample = SampleCatalogue.All[0].Build();
        var patched = Encoding.Latin1.GetString(sample).Replace("1.2.840.10008.1.2.1\0", "1.2.840.10008.1.2.9\0");
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(patched));

        foreach (var args in new[] { new[] { "inspect", path }, ["convert", path, "--out", CliRunner.TempPath("u.png")] })
        {
            var (code, _, stderr) = CliRunner.Run(args);
            Assert.Equal(3, code);
            AssertOneLineError(stderr, path, "1.2.840.10008.1.2.9");
        }
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("convert", "file.dcm")]
    [InlineData("convert", "file.dcm", "--out", "x.png", "--size", "0")]
    public void UsageErrorsAreExitTwo(params string[] args)
    {
        Assert.Equal(2, CliRunner.Run(args).ExitCode);
    }

    [Fact]
    public void TheBuiltExecutablePropagatesExitCodesToTheShell()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "tbscreen.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "inspect", "/nonexistent.dcm"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(2, process.ExitCode);
        AssertOneLineError(stderr, "/nonexistent.dcm", "not found");
    }

    private static void AssertOneLineError(string stderr, string path, string reason)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(path, lines[0]);
        Assert.Contains(reason, lines[0]);
        Assert.DoesNotContain("   at ", stderr);
    }
}
