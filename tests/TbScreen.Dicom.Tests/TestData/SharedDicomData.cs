using System.Buffers.Binary;

namespace TbScreen.Dicom.Tests.TestData;

/// <summary>
/// Locates ../shared/data/dicom (and the team's other reference data under ../shared/data) beside the repository.
/// The files there are third-party test data: they are read in place and never copied into the repository.
/// A newcomer's clone has no ../shared, so a missing folder skips the test naming it; under CI=true it fails,
/// so CI can never lose these tests silently. Tests that read it must be [SkippableFact] or [SkippableTheory].
/// </summary>
public static class SharedDicomData
{
    private static readonly Lazy<string> Folder = new(Locate);

    public static string Directory => Folder.Value;

    public static string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>A refs/*.u16le.raw or *.i16le.raw reference as ints.</summary>
    public static int[] ReadReference(string relativePath, bool signed)
    {
        byte[] raw = File.ReadAllBytes(PathOf(relativePath));
        var values = new int[raw.Length / 2];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = signed ? BinaryPrimitives.ReadInt16LittleEndian(raw.AsSpan(i * 2)) : BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(i * 2));
        }

        return values;
    }

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TbScreen.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("TbScreen.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>../shared/data beside the repository, whether or not it exists.</summary>
    public static string SharedDataFolder => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data"));

    /// <summary>Whether ../shared/data/dicom is there: theory data uses it to offer one placeholder row instead of failing discovery.</summary>
    public static bool IsPresent => File.Exists(Path.Combine(SharedDataFolder, "dicom", "refs.csv"));

    /// <summary>
    /// Returns when every path exists; otherwise skips naming the first missing one, or fails under CI=true.
    /// </summary>
    public static void Require(params string[] paths)
    {
        string? missing = paths.FirstOrDefault(p => !File.Exists(p) && !System.IO.Directory.Exists(p));
        if (missing is null)
        {
            return;
        }

        string message = $"The team's reference data is missing: {missing} (../shared beside the repository).";
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            throw new InvalidOperationException(message + " CI=true, so this fails instead of skipping.");
        }

        throw new SkipException(message);
    }

    private static string Locate()
    {
        string folder = Path.Combine(SharedDataFolder, "dicom");
        Require(Path.Combine(folder, "refs.csv"));
        return folder;
    }
}
