using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TbScreen.Screening.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL cluster: initdb into a temp folder, pg_ctl start on a free loopback port (socket in the
/// same folder), pg_ctl stop at the end. initdb refuses to run as root, so as root it runs as the postgres user
/// via runuser. When the server binaries are missing, <see cref="SkipReason"/> says so and the tests skip (.ci/run
/// fails a CI=true run that skipped); when they are present but the server does not start, the constructor throws.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private const string User = "tbscreen";
    private readonly string? _binDirectory;
    private readonly string? _root;
    private readonly bool _asPostgresUser;
    private readonly string _options = "";

    public PostgresServer()
    {
        _binDirectory = FindBinaries();
        if (_binDirectory is null)
        {
            SkipReason = "PostgreSQL server binaries (initdb, pg_ctl) not found: install the postgresql package (.ci/run does) or set TBSCREEN_PG_BIN";
            return;
        }

        _asPostgresUser = Environment.UserName == "root";
        _root = Path.Combine(Path.GetTempPath(), "tbscreen-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_root);
        try
        {
            if (_asPostgresUser)
            {
                Run("chown", ["postgres", _root], asPostgres: false);
            }

            string data = Path.Combine(_root, "data");
            Run(Path.Combine(_binDirectory, "initdb"), ["-D", data, "-U", User, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"], _asPostgresUser);
            int port = FreePort();
            _options = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={_root} -c fsync=off -c max_connections=50";
            Start();
            ConnectionString = $"Host=127.0.0.1;Port={port};Username={User};Database=tbscreen_test;Pooling=true;Timeout=30";
        }
        catch (Exception e)
        {
            // Not a skip: with the binaries present, a server that does not start is a fault to see, not to hide.
            Directory.Delete(_root, recursive: true);
            throw new InvalidOperationException($"PostgreSQL binaries found in {_binDirectory} but the test server did not start: {e.Message}", e);
        }
    }

    /// <summary>Null when the server is up.</summary>
    public string? SkipReason { get; }

    public string ConnectionString { get; } = "";

    /// <summary>Stops the server (fast shutdown: open connections are cut, as in a crash or a failover) and starts it again after <paramref name="down"/>.</summary>
    public async Task RestartAsync(TimeSpan down)
    {
        Run(Path.Combine(_binDirectory!, "pg_ctl"), ["-D", Path.Combine(_root!, "data"), "-m", "fast", "-w", "stop"], _asPostgresUser);
        await Task.Delay(down);
        Start();
    }

    private void Start() =>
        Run(Path.Combine(_binDirectory!, "pg_ctl"), ["-D", Path.Combine(_root!, "data"), "-o", _options, "-l", Path.Combine(_root!, "server.log"), "-w", "-t", "60", "start"], _asPostgresUser);

    public void Dispose()
    {
        if (_binDirectory is not null && _root is not null && SkipReason is null)
        {
            try
            {
                Run(Path.Combine(_binDirectory, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-m", "fast", "-w", "stop"], _asPostgresUser);
            }
            catch (InvalidOperationException)
            {
                // Already gone; the folder is removed below either way.
            }
        }

        if (_root is not null && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static string? FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("TBSCREEN_PG_BIN") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            // Debian/Ubuntu: /usr/lib/postgresql/<major>/bin; newest first.
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out int v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Run(string program, IReadOnlyList<string> args, bool asPostgres)
    {
        var info = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", program })
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        // Read both streams concurrently: a full pipe would block the child forever.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} timed out");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited {process.ExitCode}: {stderr.Result.Trim()} {stdout.Result.Trim()}");
        }
    }
}
