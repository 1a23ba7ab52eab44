using TbScreen.Build;

namespace TbScreen.Training.Tests;

public sealed class ElfPatchTests
{
    private const string Version = "GLIBCXX_3.4.32";

    /// <summary>The pristine library from the NuGet cache, as TorchSharp ships it.</summary>
    private static string PristineLibrary()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"expected TorchSharp's native library at {path}");
        return path;
    }

    [Fact]
    public void PatchSetsTheWeakFlagOnceAndIsIdempotent()
    {
        byte[] original = File.ReadAllBytes(PristineLibrary());
        byte[] copy = (byte[])original.Clone();

        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.Patch(copy, Version, "copy"));
        byte[] once = (byte[])copy.Clone();
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.Patch(copy, Version, "copy"));
        Assert.Equal(once, copy);

        int changed = Enumerable.Range(0, copy.Length).Count(i => copy[i] != original[i]);
        Assert.Equal(1, changed); // only the low byte of one vna_flags
    }

    [Fact]
    public void OutputCopyIsAlreadyPatchedByTheBuild()
    {
        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(output), output);
        byte[] bytes = File.ReadAllBytes(output);
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.Patch(bytes, Version, output));
    }

    [Fact]
    public void AbsentVersionIsReportedNotInvented()
    {
        byte[] copy = File.ReadAllBytes(PristineLibrary());
        Assert.Equal(ElfPatchOutcome.NotNeeded, ElfVersionNeedPatcher.Patch(copy, "GLIBCXX_9.9.99", "copy"));
    }

    [Fact]
    public void NonElfFailsWithAClearMessage()
    {
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.Patch(new byte[100], Version, "junk.so"));
        Assert.Contains("junk.so", e.Message);
        Assert.Contains("not an ELF", e.Message);
    }

    [Fact]
    public void ElfWithoutVersionNeedsFailsLoudly()
    {
        // A minimal ELF64 header with an empty-but-valid section table (one null section).
        byte[] elf = new byte[128];
        elf[0] = 0x7F; elf[1] = (byte)'E'; elf[2] = (byte)'L'; elf[3] = (byte)'F'; elf[4] = 2; elf[5] = 1;
        BitConverter.TryWriteBytes(elf.AsSpan(0x28), 64UL); // e_shoff
        BitConverter.TryWriteBytes(elf.AsSpan(0x3A), (ushort)64); // e_shentsize
        BitConverter.TryWriteBytes(elf.AsSpan(0x3C), (ushort)1); // e_shnum
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.Patch(elf, Version, "bare.so"));
        Assert.Contains(".gnu.version_r", e.Message);
    }

    [Fact]
    public void ElfHashMatchesTheKnownValue()
    {
        // readelf prints vna_hash; the SysV hash of "GLIBC_2.2.5" is 0x09691a75.
        Assert.Equal(0x09691a75u, ElfVersionNeedPatcher.ElfHash("GLIBC_2.2.5"));
    }
}
