namespace TbScreen.Web.E2ETests.Infrastructure;

/// <summary>The repository root (the folder holding TbScreen.sln) and the paths the tests need under it.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Models => Path.Combine(Root, "models");

    public static string Samples => Path.Combine(Root, "samples");

    public static string WebProject => Path.Combine(Root, "src", "TbScreen.Web");

    /// <summary>TbScreen.Web.dll as built with this test project's configuration (Debug or Release).</summary>
    public static string WebAssembly
    {
        get
        {
            string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                ? "Release"
                : "Debug";
            string path = Path.Combine(WebProject, "bin", configuration, "net10.0", "TbScreen.Web.dll");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"{path}: the web app is not built; `dotnet build tests/TbScreen.Web.E2ETests` builds it first.", path);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TbScreen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no TbScreen.sln above {AppContext.BaseDirectory}");
    }
}
