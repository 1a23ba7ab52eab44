namespace TbScreen.Web.Tests.Infrastructure;

/// <summary>The repository's shipped models/ and samples/, found by walking up to TbScreen.sln.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Models => Path.Combine(Root, "models");

    public static string Samples => Path.Combine(Root, "samples");

    private static string FindRoot()
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
