using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Configuration;
using TbScreen.Web.Hosting;

namespace TbScreen.Web.Tests;

/// <summary>The TbScreen section reaches the Screening layer's own options (no host is started: nothing is loaded).</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public void The_tbscreen_section_configures_models_store_and_a_postgresql_database()
    {
        var services = Services(new()
        {
            ["TbScreen:Models"] = "bundles",
            ["TbScreen:Store"] = "/srv/tbscreen/store",
            ["TbScreen:Database:Provider"] = "postgresql",
            ["TbScreen:Database:ConnectionString"] = "Host=127.0.0.1;Database=tbscreen;Username=app",
            ["TbScreen:Uploads:MaxBytes"] = "1000",
            ["TbScreen:Jobs:AllowedRoots:0"] = "archive",
        });

        var persistence = services.GetRequiredService<IOptions<PersistenceOptions>>().Value;
        Assert.Equal(DatabaseProvider.PostgreSql, persistence.ResolveProvider());
        Assert.Equal("Host=127.0.0.1;Database=tbscreen;Username=app", persistence.ConnectionString);
        Assert.Equal("/srv/tbscreen/store", persistence.ContentStoreDirectory);
        Assert.Equal("/content/bundles", services.GetRequiredService<IOptions<ScreeningOptions>>().Value.ModelsDirectory);
        var host = services.GetRequiredService<IOptions<TbScreenOptions>>().Value;
        Assert.Equal(["/content/archive"], host.Jobs.AllowedRoots);
        Assert.Equal(1000, host.Uploads.MaxBytes);
    }

    [Fact]
    public void Without_a_tbscreen_database_the_layers_connection_string_and_defaults_apply()
    {
        var services = Services(new() { ["ConnectionStrings:TbScreen"] = "Data Source=elsewhere.db" });

        var persistence = services.GetRequiredService<IOptions<PersistenceOptions>>().Value;
        Assert.Equal("Data Source=elsewhere.db", persistence.ConnectionString);
        Assert.Equal(DatabaseProvider.Sqlite, persistence.ResolveProvider());
        var host = services.GetRequiredService<IOptions<TbScreenOptions>>().Value;
        Assert.Equal(UploadOptions.DefaultMaxBytes, host.Uploads.MaxBytes);
        Assert.Empty(host.Jobs.AllowedRoots);
    }

    [Theory]
    [InlineData("Data Source=data/tbscreen.db", "Data Source=/content/data/tbscreen.db")]
    [InlineData("results.db", "Data Source=/content/results.db")]
    [InlineData("Data Source=/var/lib/tbscreen.db", "Data Source=/var/lib/tbscreen.db")]
    [InlineData("Host=db;Database=tbscreen", "Host=db;Database=tbscreen")]
    public void A_relative_sqlite_file_is_anchored_at_the_content_root(string configured, string expected)
    {
        var services = Services(new() { ["TbScreen:Database:ConnectionString"] = configured });
        Assert.Equal(expected, services.GetRequiredService<IOptions<PersistenceOptions>>().Value.ConnectionString);
    }

    [Fact]
    public void An_unknown_database_provider_fails_validation()
    {
        var services = Services(new() { ["TbScreen:Database:Provider"] = "oracle" });
        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TbScreenOptions>>().Value);
    }

    [Theory]
    [InlineData("viewer.example.org")]
    [InlineData("https://viewer.example.org/ohif")]
    [InlineData("ftp://viewer.example.org")]
    public void A_DICOMweb_origin_that_is_not_an_origin_fails_validation_naming_the_setting(string origin)
    {
        var services = Services(new() { ["TbScreen:Security:DicomWebOrigins:0"] = origin });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TbScreenOptions>>().Value);

        Assert.Contains("TbScreen:Security:DicomWebOrigins", error.Message);
        Assert.Equal(["https://viewer.example.org:8443"], Services(new() { ["TbScreen:Security:DicomWebOrigins:0"] = "https://viewer.example.org:8443" })
            .GetRequiredService<IOptions<TbScreenOptions>>().Value.Security.DicomWebOrigins);
    }

    [Theory]
    [InlineData(null, "11112")]
    [InlineData("PACS@10.0.0.5:104", null)]
    public void Storage_commitment_needs_an_archive_and_a_listener_for_its_reports(string? forward, string? port)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Services(new()
        {
            ["TbScreen:Dicom:StorageCommitment"] = "true",
            ["TbScreen:Dicom:ForwardResults"] = forward,
            ["TbScreen:Dicom:Port"] = port,
        }).GetRequiredService<IOptions<TbScreenOptions>>().Value);

        Assert.Contains("TbScreen:Dicom:StorageCommitment", error.Message);
        Assert.True(Services(new()
        {
            ["TbScreen:Dicom:StorageCommitment"] = "true",
            ["TbScreen:Dicom:ForwardResults"] = "PACS@10.0.0.5:104",
            ["TbScreen:Dicom:Port"] = "11112",
        }).GetRequiredService<IOptions<TbScreenOptions>>().Value.Dicom.StorageCommitment);
    }

    [Fact]
    public void Move_destinations_must_be_distinct_AE_addresses()
    {
        Assert.Throws<OptionsValidationException>(() => Services(new() { ["TbScreen:Dicom:MoveDestinations:0"] = "VIEWER" })
            .GetRequiredService<IOptions<TbScreenOptions>>().Value);
        var twice = Assert.Throws<OptionsValidationException>(() => Services(new()
        {
            ["TbScreen:Dicom:MoveDestinations:0"] = "VIEWER@10.0.0.5:104",
            ["TbScreen:Dicom:MoveDestinations:1"] = "VIEWER@10.0.0.6:104",
        }).GetRequiredService<IOptions<TbScreenOptions>>().Value);
        Assert.Contains("TbScreen:Dicom:MoveDestinations", twice.Message);
        Assert.Single(Services(new() { ["TbScreen:Dicom:MoveDestinations:0"] = "VIEWER@10.0.0.5:104" })
            .GetRequiredService<IOptions<TbScreenOptions>>().Value.Dicom.MoveDestinations);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = "/content" });
        services.AddLogging();
        services.AddTbScreenApi(configuration);
        return services.BuildServiceProvider();
    }
}
