using System.Diagnostics;
using System.Text;
using TbScreen.Dicom.Tests.TestData;

namespace TbScreen.Cli.Tests.Distributed;

/// <summary>
/// A `tbscreen` command as a child process (the built tbscreen.dll): a queue worker, a DICOM node. Its stderr is kept
/// for the assertions, and it can be killed without a goodbye.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private CliProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_log)
            {
                _log.AppendLine(e.Data);
            }
        };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts `tbscreen ARGS`.</summary>
    public static CliProcess Start(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tbscreen.dll"));
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return new CliProcess(Process.Start(info) ?? throw new InvalidOperationException("cannot start dotnet"));
    }

    /// <summary>Starts a queue worker; <paramref name="models"/> null means the shipped models.</summary>
    public static CliProcess StartWorker(string broker, string database, string? models = null, int jobs = 1) => Start(
    [
        "worker", "--broker", broker, "--db", database, "--jobs", jobs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--models", models ?? Path.Combine(SharedDicomData.RepositoryRoot, "models"),
    ]);

    /// <summary>Waits until the worker consumes its queue (models loaded, broker connected).</summary>
    public Task WaitUntilConsumingAsync() => WaitForAsync("Worker consuming");

    /// <summary>Waits until the process logs <paramref name="text"/>; fails with its log if it exits or 90 s pass first.</summary>
    public async Task WaitForAsync(string text)
    {
        var clock = Stopwatch.StartNew();
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new InvalidOperationException($"the process never logged '{text}':\n{Log}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits for the process to end by itself; returns its exit code (its stderr is in <see cref="Log"/>).</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync();
        _process.WaitForExit(); // and for the last stderr lines to be read
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, no goodbye: what a power cut or the OOM killer does.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }
}
