namespace TbScreen.Dicom.Network.Tests.Support;

/// <summary>The committed phantom samples (samples/*.dcm), one per transfer syntax our writer produces.</summary>
public static class SampleFiles
{
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

            throw new InvalidOperationException("TbScreen.sln not found above the test output folder.");
        }
    }

    public static IReadOnlyList<string> Files =>
        Directory.GetFiles(Path.Combine(RepositoryRoot, "samples"), "*.dcm").OrderBy(f => f, StringComparer.Ordinal).ToList();

    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string file in Files)
            {
                data.Add(Path.GetFileName(file));
            }

            return data;
        }
    }

    public static string PathOf(string name) => Path.Combine(RepositoryRoot, "samples", name);

    /// <summary>The bytes after the file meta: what travels in the C-STORE data set.</summary>
    public static byte[] DataSetBytes(string name)
    {
        byte[] file = File.ReadAllBytes(PathOf(name));
        return file[Part10File.DataSetOffset(file)..];
    }
}
