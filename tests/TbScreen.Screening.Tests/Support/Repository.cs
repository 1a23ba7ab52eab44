namespace TbScreen.Screening.Tests.Support;

internal static class Repository
{
    public static string Root
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

    public static string ModelsDirectory => Path.Combine(Root, "models");
}

/// <summary>A temporary folder deleted with the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tbscreen-test-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow runner; the OS temp cleaner gets it.
        }
    }
}
