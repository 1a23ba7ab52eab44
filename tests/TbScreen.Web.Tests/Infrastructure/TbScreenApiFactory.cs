using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Screening.Persistence;

namespace TbScreen.Web.Tests.Infrastructure;

/// <summary>
/// The real host on the test server: shipped models, SQLite and the content store in a fresh temp folder,
/// one allowed job root inside it, and a small upload limit so the 413 test sends little.
/// </summary>
public sealed class TbScreenApiFactory : WebApplicationFactory<Program>
{
    public const long UploadLimitBytes = 2 * 1024 * 1024;

    public TbScreenApiFactory()
        : this(Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")))
    {
    }

    /// <summary>A host over an existing folder: how a test restarts the host on the same database and store.</summary>
    internal TbScreenApiFactory(string root, bool deleteOnDispose = true)
    {
        Root = root;
        _deleteOnDispose = deleteOnDispose;
        Directory.CreateDirectory(AllowedJobRoot);
        Directory.CreateDirectory(OutsideJobRoot);
    }

    private readonly bool _deleteOnDispose;

    public string Root { get; }

    /// <summary>TbScreen:Jobs:AllowedRoots names only this folder.</summary>
    public string AllowedJobRoot => Path.Combine(Root, "archive");

    public string OutsideJobRoot => Path.Combine(Root, "elsewhere");

    /// <summary>How many stored results carry this SOP Instance UID (the store keeps one per UID and model version).</summary>
    public async Task<int> CountStoredResultsAsync(string sopInstanceUid)
    {
        var store = Services.GetRequiredService<IScreeningStore>();
        var recent = await store.RecentResultsAsync(10_000);
        return recent.Count(r => r.Outcome.SopInstanceUid == sopInstanceUid);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TbScreen:Models"] = RepositoryPaths.Models,
            ["TbScreen:Store"] = Path.Combine(Root, "store"),
            ["TbScreen:Database:Provider"] = "sqlite",
            ["TbScreen:Database:ConnectionString"] = $"Data Source={Path.Combine(Root, "tbscreen.db")}",
            ["TbScreen:Uploads:MaxBytes"] = UploadLimitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TbScreen:Jobs:AllowedRoots:0"] = AllowedJobRoot,
        }));
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
}
