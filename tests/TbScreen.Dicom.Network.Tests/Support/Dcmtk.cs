using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TbScreen.Dicom.Network.Tests.Support;

/// <summary>
/// The dcmtk command line tools (Debian package dcmtk) as real peers. When they are missing the tests skip with a
/// message naming the package; under CI=true they fail instead (.ci/run installs the package).
/// </summary>
public static class Dcmtk
{
    private static readonly string[] Tools = ["echoscu", "storescu", "storescp", "dcmmkdir"];

    public static string? MissingReason { get; } = FindMissing();

    public static void Require()
    {
        if (MissingReason is not null)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", MissingReason);
            Skip.If(true, MissingReason);
        }
    }

    /// <summary>Runs a tool to completion; returns its exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Run(string tool, params string[] arguments)
    {
        using var process = Process.Start(Info(tool, arguments)) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish within 120 s");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Starts storescp on a free loopback port, writing what it receives to <paramref name="folder"/>.</summary>
    public static async Task<StoreScp> StartStoreScpAsync(string aeTitle, string folder, params string[] extraArguments)
    {
        int port = FreePort();
        Directory.CreateDirectory(folder);
        var process = Process.Start(Info("storescp", ["-aet", aeTitle, "-od", folder, .. extraArguments, port.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            ?? throw new InvalidOperationException("cannot start storescp");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        for (int i = 0; i < 200; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"storescp exited {process.ExitCode}: {await output}{await errors}");
            }

            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return new StoreScp(process, port);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("storescp did not listen within 10 s");
    }

    private static ProcessStartInfo Info(string tool, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string? FindMissing()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
        var missing = Tools.Where(t => !path.Any(d => File.Exists(Path.Combine(d, t)))).ToList();
        return missing.Count == 0
            ? null
            : $"dcmtk tools not found ({string.Join(", ", missing)}): install the Debian package dcmtk (apt-get install dcmtk; .ci/run does)";
    }

    /// <summary>A running storescp; disposing kills it.</summary>
    public sealed class StoreScp(Process process, int port) : IDisposable
    {
        public int Port { get; } = port;

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }

            process.Dispose();
        }
    }
}
