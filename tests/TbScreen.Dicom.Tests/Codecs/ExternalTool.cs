using System.Diagnostics;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>
/// A Debian package's command line tools as an independent reference codec. When they are missing the tests skip
/// naming the package; under CI=true they fail instead (.ci/run installs the package).
/// </summary>
internal sealed class ExternalTool(string package, params string[] tools)
{
    private readonly Lazy<string?> _missing = new(() =>
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
        var missing = tools.Where(t => !path.Any(d => File.Exists(Path.Combine(d, t)))).ToList();
        return missing.Count == 0
            ? null
            : $"{package} tools not found ({string.Join(", ", missing)}): install the Debian package {package} (apt-get install {package}; .ci/run does)";
    });

    public string? MissingReason => _missing.Value;

    public void Require()
    {
        if (MissingReason is not null)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", MissingReason);
            Skip.If(true, MissingReason);
        }
    }

    /// <summary>Runs a tool to completion; a non-zero exit fails the test with everything it printed.</summary>
    public static void Run(string tool, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish within 60 s");
        }

        Assert.True(process.ExitCode == 0, $"{tool} exited {process.ExitCode}: {stdout.Result}{stderr.Result}");
    }

    /// <summary>A temporary folder for one tool run, removed with everything in it.</summary>
    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("tbscreen-codec-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
