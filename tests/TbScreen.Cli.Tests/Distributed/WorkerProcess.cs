using System.Diagnostics;
using System.Text;
using TbScreen.Dicom.Tests.TestData;

namespace TbScreen.Cli.Tests.Distributed;

/// <summary>`tbscreen worker` as a child process (the built tbscreen.dll), its stderr kept for the assertions.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private WorkerProcess(Process process)
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

    /// <summary>Starts a worker; <paramref name="models"/> null means the shipped models.</summary>
    public static WorkerProcess Start(string broker, string database, string? models = null, int jobs = 1)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "tbscreen.dll"), "worker", "--broker", broker, "--db", database,
            "--jobs", jobs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--models", models ?? Path.Combine(SharedDicomData.RepositoryRoot, "models"),
        })
        {
            info.ArgumentList.Add(arg);
        }

        return new WorkerProcess(Process.Start(info) ?? throw new InvalidOperationException("cannot start dotnet"));
    }

    /// <summary>Waits until the worker consumes its queue (models loaded, broker connected).</summary>
    public async Task WaitUntilConsumingAsync()
    {
        var clock = Stopwatch.StartNew();
        while (!Log.Contains("Worker consuming", StringComparison.Ordinal))
        {
            if (_process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new InvalidOperationException($"the worker did not start consuming:\n{Log}");
            }

            await Task.Delay(50);
        }
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
