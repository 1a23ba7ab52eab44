using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

/// <summary>
/// The web app for `load` when no --url is given: TbScreen.Web from its build output (this benchmark's
/// configuration) in a child process on a free loopback port, Production environment, a temporary SQLite database
/// and store, the shipped models, and a known admin password. Killed and cleaned up on dispose.
/// </summary>
internal sealed class LoadTarget : IAsyncDisposable
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "Load-Admin-Passw0rd!";

    private readonly Process _process;
    private readonly string _data;

    private LoadTarget(Process process, Uri baseUrl, string data)
    {
        _process = process;
        BaseUrl = baseUrl;
        _data = data;
    }

    public Uri BaseUrl { get; }

    public static async Task<LoadTarget> StartAsync(string repositoryRoot, int threads)
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        string project = Path.Combine(repositoryRoot, "src", "TbScreen.Web");
        string dll = Path.Combine(project, "bin", configuration, "net10.0", "TbScreen.Web.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll}: not built; build tests/TbScreen.Benchmarks with -c {configuration} (it builds the web app too).", dll);
        }

        string data = Directory.CreateTempSubdirectory("tbscreen-load-").FullName;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var baseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        listener.Stop();

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = project, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl.ToString());
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["TbScreen__Models"] = Path.Combine(repositoryRoot, "models");
        start.Environment["TbScreen__Store"] = Path.Combine(data, "store");
        start.Environment["TbScreen__Database__Provider"] = "sqlite";
        start.Environment["TbScreen__Database__ConnectionString"] = $"Data Source={Path.Combine(data, "tbscreen.db")}";
        start.Environment["TbScreen__Jobs__UploadFolder"] = Path.Combine(data, "uploads");
        start.Environment["TbScreen__Security__InitialAdminUserName"] = AdminUser;
        start.Environment["TbScreen__Security__InitialAdminPassword"] = AdminPassword;
        if (threads > 0)
        {
            start.Environment["Screening__Threads"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var target = new LoadTarget(process, baseUrl, data);

        using var probe = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited)
            {
                await target.DisposeAsync();
                throw new InvalidOperationException($"the web app exited with code {process.ExitCode}:\n{output}");
            }

            try
            {
                using var response = await probe.GetAsync("/api/auth/me");
                return target; // any answer (401 here): Kestrel is listening and the admin exists
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        await target.DisposeAsync();
        throw new TimeoutException($"the web app did not answer on {baseUrl} within 120 s:\n{output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Cleaned up by the OS's temp policy.
        }
    }
}
