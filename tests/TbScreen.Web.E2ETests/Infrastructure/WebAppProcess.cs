using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TbScreen.Web.E2ETests.Infrastructure;

/// <summary>
/// The real TbScreen.Web (Kestrel) in a child process on a free loopback port, with a temporary data folder (SQLite,
/// store, uploads, signing keys), a known admin password, and a test models folder: the shipped bundles with an ensemble.json
/// whose threshold and uncertainty band sit around the samples' scores, so uploading a sample gives a flagged,
/// positive case deterministically (the shipped models call every sample phantom clearly negative).
/// </summary>
public sealed class WebAppProcess : IAsyncDisposable
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "E2e-Admin-Passw0rd!";

    /// <summary>Failed sign-ins in a row that lock an account (TbScreen:Security:Lockout:MaxFailedAttempts; the app's default is 5).</summary>
    public const int LockoutAttempts = 3;

    /// <summary>The sample phantoms score 0.667..0.730 with the shipped 2.0.0 ensemble; 0.66 + 0.075 covers them all, each called TB.</summary>
    public const double TestThreshold = 0.66;
    public const double TestBand = 0.075;

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly string _dataDirectory;

    private WebAppProcess(Process process, Uri baseUrl, string dataDirectory)
    {
        _process = process;
        BaseUrl = baseUrl;
        _dataDirectory = dataDirectory;
    }

    public Uri BaseUrl { get; }

    /// <summary>The host's own temporary folder (database, store, keys); deleted on dispose.</summary>
    public string DataDirectory => _dataDirectory;

    private const string ArchiveFolder = "archive";

    /// <summary>
    /// A server folder for batch jobs (an allowed root): the sample DICOM files plus one truncated file, so a job
    /// shows an error row too. Returns its path.
    /// </summary>
    public string CreateArchive()
    {
        string archive = Path.Combine(_dataDirectory, ArchiveFolder, "2026-11");
        Directory.CreateDirectory(archive);
        foreach (string sample in Directory.GetFiles(RepositoryPaths.Samples, "*.dcm"))
        {
            File.Copy(sample, Path.Combine(archive, Path.GetFileName(sample)), overwrite: true);
        }

        byte[] whole = File.ReadAllBytes(Path.Combine(RepositoryPaths.Samples, "phantom-explicit-le-mono2.dcm"));
        File.WriteAllBytes(Path.Combine(archive, "IM000099"), whole[..(whole.Length / 3)]);
        return archive;
    }

    /// <summary>What the app wrote to stdout/stderr so far; quoted in failures.</summary>
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

    /// <param name="testEnsemble">False: the shipped models/ as they are (for pages that show the real thresholds).</param>
    /// <param name="generatedAdminPassword">
    /// True: no TbScreen:Security:InitialAdminPassword, so the first run generates the admin's password into
    /// KEYS/initial-admin-password.txt, prints that path, and the admin must change the password at first sign-in.
    /// </param>
    /// <param name="settings">Extra environment settings (TbScreen__...) for this host only.</param>
    public static async Task<WebAppProcess> StartAsync(bool testEnsemble = true, TimeSpan? startupTimeout = null, bool generatedAdminPassword = false,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        string data = Directory.CreateTempSubdirectory("tbscreen-e2e-").FullName;
        string models = testEnsemble ? CreateTestModels(data) : RepositoryPaths.Models;
        int port = FreeLoopbackPort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}");

        // Like `dotnet run --project src/TbScreen.Web`: the project folder is the content root (appsettings.json,
        // wwwroot), the Development environment serves the static web assets from the build output.
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryPaths.WebProject,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryPaths.WebAssembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl.ToString());
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["TbScreen__Models"] = models;
        start.Environment["TbScreen__Store"] = Path.Combine(data, "store");
        start.Environment["TbScreen__Database__Provider"] = "sqlite";
        start.Environment["TbScreen__Database__ConnectionString"] = $"Data Source={Path.Combine(data, "tbscreen.db")}";
        start.Environment["TbScreen__Jobs__UploadFolder"] = Path.Combine(data, "uploads");
        start.Environment["TbScreen__Jobs__AllowedRoots__0"] = RepositoryPaths.Samples;
        start.Environment["TbScreen__Jobs__AllowedRoots__1"] = Path.Combine(data, ArchiveFolder);
        start.Environment["TbScreen__Security__KeysFolder"] = Path.Combine(data, "keys");
        start.Environment["TbScreen__Security__InitialAdminUserName"] = AdminUser;
        if (generatedAdminPassword)
        {
            start.Environment.Remove("TbScreen__Security__InitialAdminPassword");
        }
        else
        {
            start.Environment["TbScreen__Security__InitialAdminPassword"] = AdminPassword;
        }

        start.Environment["TbScreen__Security__Lockout__MaxFailedAttempts"] = LockoutAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The browser tests sign in many times a minute from loopback; the rate limits have their own tests.
        start.Environment["TbScreen__Security__RateLimits__SignInsPerMinute"] = "10000";
        start.Environment["TbScreen__Security__RateLimits__UploadsPerMinute"] = "10000";
        start.Environment["TbScreen__Security__RateLimits__ApiRequestsPerMinute"] = "100000";

        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var app = new WebAppProcess(process, baseUrl, data);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilReadyAsync(startupTimeout ?? TimeSpan.FromSeconds(120));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    /// <summary>Waits until a line of the app's output matches (output arrives asynchronously after the server answers).</summary>
    public async Task<Match> WaitForLogAsync(Regex pattern, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (pattern.Match(Log) is { Success: true } match)
            {
                return match;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"the web app printed nothing matching {pattern} within {timeout.TotalSeconds:F0} s:\n{Log}");
            }

            await Task.Delay(100);
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the web app exited with code {_process.ExitCode} before answering:\n{Log}");
            }

            try
            {
                // Any HTTP answer means Kestrel is up; the accounts bootstrap runs before the server starts listening.
                using var response = await client.GetAsync("/api/auth/me");
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.Found)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"the web app did not answer on {BaseUrl} within {timeout.TotalSeconds:F0} s:\n{Log}");
    }

    /// <summary>The shipped bundles (linked, not copied) plus a test ensemble.json; see the class summary.</summary>
    private static string CreateTestModels(string data)
    {
        string models = Path.Combine(data, "models");
        Directory.CreateDirectory(models);
        using var shipped = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Models, "ensemble.json")));
        var ensemble = new Dictionary<string, object?>();
        foreach (var property in shipped.RootElement.EnumerateObject())
        {
            ensemble[property.Name] = property.Value.Clone();
        }

        ensemble["threshold"] = TestThreshold;
        ensemble["uncertaintyBand"] = TestBand;
        File.WriteAllText(Path.Combine(models, "ensemble.json"), JsonSerializer.Serialize(ensemble));
        foreach (var member in shipped.RootElement.GetProperty("members").EnumerateArray())
        {
            string bundle = member.GetProperty("bundle").GetString()!;
            Directory.CreateSymbolicLink(Path.Combine(models, bundle), Path.Combine(RepositoryPaths.Models, bundle));
        }

        // The lung segmentation bundle the ensemble names for the lungs-not-found check.
        if (shipped.RootElement.TryGetProperty("lungs", out var lungs) && lungs.GetString() is string lungBundle)
        {
            Directory.CreateSymbolicLink(Path.Combine(models, lungBundle), Path.Combine(RepositoryPaths.Models, lungBundle));
        }

        return models;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying child: the temp folder is cleaned by the OS later.
        }
    }
}
