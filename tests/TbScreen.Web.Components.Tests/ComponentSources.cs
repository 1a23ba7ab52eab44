namespace TbScreen.Web.Components.Tests;

/// <summary>The components' source folder (their scoped stylesheets), found from the test's output folder.</summary>
internal static class ComponentSources
{
    public static string Directory { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TbScreen.sln")))
            {
                return Path.Combine(dir.FullName, "src", "TbScreen.Web.Components");
            }
        }

        throw new InvalidOperationException($"TbScreen.sln not found above {AppContext.BaseDirectory}");
    }
}
