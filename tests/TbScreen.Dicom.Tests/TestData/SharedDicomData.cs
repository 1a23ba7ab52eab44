using System.Buffers.Binary;

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
