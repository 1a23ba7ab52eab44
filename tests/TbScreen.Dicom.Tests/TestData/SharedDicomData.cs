namespace TbScreen.Dicom.Tests.TestData;

/// <summary>
/// Locates ../shared/data/dicom beside the repository. The files there are third-party test data:
/// they are read in place and never copied into the repository. A missing folder fails the test.
/// </summary>
public static class SharedDicomData
{
    private static readonly Lazy<string> Folder = new(Locate);

    public static string Directory => Folder.Value;

    public static string PathOf(string name) => Path.Combine(Directory, name);

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

    private static string Locate()
    {
        string candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", "dicom"));
        if (!File.Exists(Path.Combine(candidate, "refs.csv")))
        {
            throw new InvalidOperationException($"The shared DICOM test data is missing: expected {candidate}/refs.csv.");
        }

        return candidate;
    }
}
