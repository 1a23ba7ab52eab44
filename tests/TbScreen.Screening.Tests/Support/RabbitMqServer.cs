using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TbScreen.Screening.Tests.Support;

/// <summary>
/// A throwaway RabbitMQ node on loopback ports: its own node name, and its database, logs and config under a temp
/// folder (owned by the rabbitmq user when the tests run as root, since the server refuses to run as root). Up in
/// about 5-12 s. <see cref="RestartAsync"/> stops and starts the same node (same data, same port), as an operator's
/// restart would. When rabbitmq-server is not installed, <see cref="SkipReason"/> says so and the tests skip (.ci/run
/// installs it, and a CI=true run that skipped fails); when it is installed but does not start, the constructor throws.
/// </summary>
public sealed class RabbitMqServer : IDisposable
{
    private const string User = "rabbitmq";
    private readonly string? _server;
    private readonly string? _ctl;
    private readonly string _root = "";
    private readonly bool _asRabbitUser;
    private readonly Dictionary<string, string> _environment = [];
    private Process? _process;

    public RabbitMqServer()
    {
        _server = Find("rabbitmq-server");
        _ctl = Find("rabbitmqctl");
        if (_server is null || _ctl is null)
        {
            SkipReason = "rabbitmq-server not found: install the rabbitmq-server package (.ci/run does)";
            return;
        }

        _asRabbitUser = Environment.UserName == "root";
        _root = Path.Combine(Path.GetTempPath(), "tbscreen-rmq-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_root);
        Port = FreePort();
        NodeName = $"tbtest-{Guid.NewGuid():N}"[..20] + "@localhost";
        File.WriteAllText(Path.Combine(_root, "enabled_plugins"), "[].\n");
        File.WriteAllText(Path.Combine(_root, "rabbitmq.conf"), "loopback_users = none\nlog.console = false\n");
        _environment["RABBITMQ_NODENAME"] = NodeName;
        _environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        _environment["RABBITMQ_NODE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["RABBITMQ_DIST_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(_root, "mnesia");
        _environment["RABBITMQ_LOG_BASE"] = Path.Combine(_root, "log");
        _environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_root, "enabled_plugins");
        _environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_root, "rabbitmq");
        _environment["RABBITMQ_PID_FILE"] = Path.Combine(_root, "node.pid");
        // The Erlang cookie lives in HOME: the rabbitmq user's (from the package) or, as another user, the temp folder.
        _environment["HOME"] = _asRabbitUser ? "/var/lib/rabbitmq" : _root;
        try
        {
            if (_asRabbitUser)
            {
                Run("chown", ["-R", User, _root]);
            }

            Start();
        }
        catch (Exception e)
        {
            Dispose();
            throw new InvalidOperationException($"rabbitmq-server found at {_server} but the test node did not start: {e.Message}", e);
        }
    }

    /// <summary>Null when the node is up.</summary>
    public string? SkipReason { get; }

    public int Port { get; }

    public string NodeName { get; } = "";

    /// <summary>The default vhost as guest (allowed from loopback only).</summary>
    public string Uri => $"amqp://guest:guest@127.0.0.1:{Port}/";

    /// <summary>A fresh vhost (so tests sharing the node never see each other's queues), with guest allowed in it.</summary>
    public string NewVirtualHost()
    {
        string vhost = "t" + Guid.NewGuid().ToString("N")[..10];
        Ctl("add_vhost", vhost);
        Ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
        return $"amqp://guest:guest@127.0.0.1:{Port}/{vhost}";
    }

    /// <summary>Stops the node (as `rabbitmqctl stop` does) and starts it again on the same data and port.</summary>
    public async Task RestartAsync(TimeSpan down)
    {
        Stop();
        await Task.Delay(down);
        Start();
    }

    public void Dispose()
    {
        if (SkipReason is null)
        {
            Stop();
        }

        if (_root.Length > 0 && Directory.Exists(_root))
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // A log file still being closed: the temp folder goes with the machine.
            }
        }
    }

    private void Start()
    {
        var info = Command(_server!, [], _environment);
        _process = Process.Start(info) ?? throw new InvalidOperationException("cannot start rabbitmq-server");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited {_process.ExitCode}; see {_environment["RABBITMQ_LOG_BASE"]}");
            }

            if (Accepts(Port))
            {
                return;
            }

            Thread.Sleep(200);
        }

        throw new InvalidOperationException("the node did not listen within 90 s");
    }

    private void Stop()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            Ctl("stop");
        }
        catch (InvalidOperationException)
        {
            // Not answering: killed below.
        }

        if (!_process.WaitForExit(30_000))
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _process = null;
        var clock = Stopwatch.StartNew();
        while (Accepts(Port) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(100);
        }
    }

    /// <summary>rabbitmqctl needs only the cookie (HOME); the node's port settings would confuse its own distribution port.</summary>
    private void Ctl(params string[] args)
    {
        using var process = Process.Start(Command(_ctl!, ["-n", NodeName, .. args], new Dictionary<string, string> { ["HOME"] = _environment["HOME"] }))
            ?? throw new InvalidOperationException("cannot start rabbitmqctl");
        Wait(process, $"rabbitmqctl {string.Join(' ', args)}");
    }

    private ProcessStartInfo Command(string program, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(_asRabbitUser ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root,
        };
        if (_asRabbitUser)
        {
            // runuser resets the environment's HOME; env carries the node's settings across.
            foreach (var a in new[] { "-u", User, "--", "env" })
            {
                info.ArgumentList.Add(a);
            }

            foreach (var (key, value) in environment)
            {
                info.ArgumentList.Add($"{key}={value}");
            }

            info.ArgumentList.Add(program);
        }
        else
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return info;
    }

    private static void Run(string program, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        Wait(process, $"{Path.GetFileName(program)} {string.Join(' ', args)}");
    }

    private static void Wait(Process process, string what)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{what} timed out");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} exited {process.ExitCode}: {stderr.Result.Trim()} {stdout.Result.Trim()}");
        }
    }

    private static string? Find(string name) =>
        new[] { "/usr/sbin", "/usr/lib/rabbitmq/bin", "/usr/local/sbin" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
