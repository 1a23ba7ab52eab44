using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Identity;

namespace TbScreen.Web.Tests.Infrastructure;

/// <summary>
/// The real host on the test server: shipped models, SQLite and the content store in a fresh temp folder,
/// one allowed job root inside it, a small upload limit so the 413 test sends little, a known initial admin
/// password, lockout after <see cref="LockoutAttempts"/> failures, and the first-run console captured.
/// </summary>
public class TbScreenApiFactory : WebApplicationFactory<Program>
{
    public const long UploadLimitBytes = 2 * 1024 * 1024;
    public const string AdminPassword = "Test-Admin-Password-1";
    public const string UserPassword = "Test-User-Password-1";
    public const int LockoutAttempts = 3;

    private readonly bool _deleteOnDispose;
    private readonly string? _postgres;
    private readonly string? _broker;
    private readonly IReadOnlyDictionary<string, string?>? _settings;
    private int _users;

    public TbScreenApiFactory()
        : this(Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")))
    {
    }

    /// <summary>A host over an existing folder: how a test restarts the host on the same database and store.</summary>
    internal TbScreenApiFactory(string root, bool deleteOnDispose = true, string? initialAdminPassword = AdminPassword, string? models = null, string? postgres = null, string? broker = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        _settings = settings;
        _postgres = postgres;
        _broker = broker;
        Root = root;
        _deleteOnDispose = deleteOnDispose;
        InitialAdminPassword = initialAdminPassword;
        Models = models ?? RepositoryPaths.Models;
        Directory.CreateDirectory(AllowedJobRoot);
        Directory.CreateDirectory(OutsideJobRoot);
    }

    public string Root { get; }

    /// <summary>Where the host looks for the validation reference (absent until a test writes it).</summary>
    public string MonitoringReference => Path.Combine(Root, "reference-scores.json");

    public string Models { get; }

    public string? InitialAdminPassword { get; }

    /// <summary>What the host printed for the operator on first run (empty when it created no admin).</summary>
    public StringWriter FirstRunOutput { get; } = new();

    /// <summary>TbScreen:Jobs:AllowedRoots names only this folder.</summary>
    public string AllowedJobRoot => Path.Combine(Root, "archive");

    public string OutsideJobRoot => Path.Combine(Root, "elsewhere");

    /// <summary>How many stored results carry this SOP Instance UID (the store keeps one per file content and model version).</summary>
    public async Task<int> CountStoredResultsAsync(string sopInstanceUid)
    {
        var store = Services.GetRequiredService<IScreeningStore>();
        var recent = await store.RecentResultsAsync(10_000);
        return recent.Count(r => r.Outcome.SopInstanceUid == sopInstanceUid);
    }

    /// <summary>Creates a user with these roles (name unique per call) through Identity itself.</summary>
    public async Task<string> CreateUserAsync(params string[] roles)
    {
        string name = $"{string.Join('-', roles.DefaultIfEmpty("norole"))}-{Interlocked.Increment(ref _users)}-{Guid.NewGuid().ToString("N")[..6]}";
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TbScreenUser>>();
        var user = new TbScreenUser(name);
        var created = await users.CreateAsync(user, UserPassword);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        if (roles.Length > 0)
        {
            Assert.True((await users.AddToRolesAsync(user, roles)).Succeeded);
        }

        return name;
    }

    /// <summary>A client signed in (POST /api/auth/login, cookie kept) as a new user with these roles.</summary>
    public async Task<HttpClient> ClientAsAsync(params string[] roles)
    {
        string name = await CreateUserAsync(roles);
        return await SignedInClientAsync(name, UserPassword);
    }

    public async Task<HttpClient> SignedInClientAsync(string userName, string password)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-TbScreen-Client", "tests"); // what scripts send with multipart uploads
        var response = await client.PostAsJsonAsync("/api/auth/login", new { userName, password });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return client;
    }

    /// <summary>A client that never signed in and does not follow redirects (to see the 302 to the sign-in page).</summary>
    public HttpClient AnonymousClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TbScreen:Models"] = Models,
            ["TbScreen:Store"] = Path.Combine(Root, "store"),
            ["TbScreen:Database:Provider"] = _postgres is null ? "sqlite" : "postgresql",
            ["TbScreen:Database:ConnectionString"] = _postgres ?? $"Data Source={Path.Combine(Root, "tbscreen.db")}",
            ["TbScreen:Uploads:MaxBytes"] = UploadLimitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TbScreen:Jobs:AllowedRoots:0"] = AllowedJobRoot,
            ["TbScreen:Jobs:UploadFolder"] = Path.Combine(Root, "uploads"),
            ["TbScreen:Security:KeysFolder"] = Path.Combine(Root, "keys"),
            ["TbScreen:Security:InitialAdminPassword"] = InitialAdminPassword ?? "",
            ["TbScreen:Security:Lockout:MaxFailedAttempts"] = LockoutAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // One shared host signs in hundreds of test users from one address: the rate tests set their own limits.
            ["TbScreen:Security:RateLimits:SignInsPerMinute"] = "100000",
            ["TbScreen:Security:RateLimits:UploadsPerMinute"] = "100000",
            ["TbScreen:Security:RateLimits:ApiRequestsPerMinute"] = "100000",
            // Sessions checked against their account on every request, so disabling takes effect at once in tests.
            ["TbScreen:Security:RevalidateSeconds"] = "0",
            // Monitoring: a reference only the monitoring tests write (never into models/), drift from one result on.
            ["Monitoring:ReferenceFile"] = MonitoringReference,
            ["Monitoring:MinimumCases"] = "1",
            ["TbScreen:Broker"] = _broker,
        }));
        if (_settings is not null)
        {
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        }

        builder.ConfigureTestServices(services => services.AddSingleton<FirstRunConsole>(new CapturedConsole(FirstRunOutput)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _deleteOnDispose)
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // A SQLite handle still closing; the temp folder is cleaned by the OS eventually.
            }
        }
    }

    private sealed class CapturedConsole(TextWriter writer) : FirstRunConsole
    {
        public override TextWriter Writer => writer;
    }
}
