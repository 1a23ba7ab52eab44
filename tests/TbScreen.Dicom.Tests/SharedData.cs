namespace TbScreen.Dicom.Tests;

/// <summary>Locates the repository and the team's shared DICOM test data (never committed here).</summary>
internal static class SharedData
{
    private static readonly Lazy<string> Root = new(FindRepoRoot);

    /// <summary>The repository root: the first ancestor of the test assembly holding TbScreen.sln.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>&lt;repoRoot&gt;/../shared/data/dicom; tests fail (not skip) when it is missing.</summary>
    public static string DicomDir
    {
        get
        {
            string dir = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", "dicom"));
            return Directory.Exists(dir)
                ? dir
                : throw new DirectoryNotFoundException($"shared DICOM test data not found at {dir}");
        }
    }

    public static string Fixture(params string[] parts) =>
        Path.Combine([RepoRoot, "tests", "TbScreen.Dicom.Tests", "Fixtures", .. parts]);

    /// <summary>Reads a refs/*.u16le.raw reference as ints.</summary>
    public static int[] ReadU16(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var values = new int[bytes.Length / 2];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = bytes[2 * i] | (bytes[(2 * i) + 1] << 8);
        }

        return values;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TbScreen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root (TbScreen.sln) not found above " + AppContext.BaseDirectory);
    }
}
