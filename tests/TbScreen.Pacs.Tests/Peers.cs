using System.Diagnostics;

namespace TbScreen.Pacs.Tests;

/// <summary>
/// Independent DICOM tools from Debian: dicom3tools' dciodvfy (IOD validation) and dcmtk's dsrdump (SR content tree).
/// Absent, the tests that need them skip naming the package; with CI=true they fail, so CI can never skip them.
/// </summary>
internal static class Peers
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Null when the tool is installed; else why the test cannot run.</summary>
    public static string? Missing(string tool, string package)
    {
        if (File.Exists(Path.Combine("/usr/bin", tool)))
        {
            return null;
        }

        string message = $"{tool} not found: install the {package} package (.ci/run does)";
        Assert.False(Environment.GetEnvironmentVariable("CI") == "true", message);
        return message;
    }

    /// <summary>Runs a tool; returns its exit code and stdout + stderr.</summary>
    public static (int Code, string Output) Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine("/usr/bin", tool)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
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

        throw new InvalidOperationException("TbScreen.sln not found above the test binaries");
    }
}
