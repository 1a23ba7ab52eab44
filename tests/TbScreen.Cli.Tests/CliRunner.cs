namespace TbScreen.Cli.Tests;

/// <summary>Runs `tbscreen` in process and captures what a calling tool would see.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = TbScreenCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static string TempPath(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "tbscreen-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }
}
