using Microsoft.Extensions.Options;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Hosting;

/// <summary>
/// Registers the Screening layer (pipeline, store, content store, persistent service). The layer's own sections
/// (Screening, Persistence, ConnectionStrings:TbScreen; docs/screening.md) are bound for the knobs the host does
/// not name (threads, CUDA, heatmap, migrations); the host's TbScreen section then wins for the ones it does, so an
/// operator configures the models, database and store in one place.
/// </summary>
internal static class ScreeningLayerRegistration
{
    public static IServiceCollection AddScreeningLayers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScreening(configuration);
        services.AddOptions<ScreeningOptions>().Configure<IOptions<TbScreenOptions>>((screening, host) =>
        {
            screening.ModelsDirectory = host.Value.Models;
            screening.EnsembleFile = host.Value.Ensemble ?? screening.EnsembleFile;
            // Why: an upload over the HTTP limit never reaches the pipeline, so its own cap may not be lower.
            screening.MaxFileBytes = Math.Max(screening.MaxFileBytes, host.Value.Uploads.MaxBytes);
            screening.IsolateNativeCodecs = host.Value.IsolateNativeCodecs;
        });

        services.AddScreeningPersistence(configuration);
        // PostConfigure: after the layer's own fallback to ConnectionStrings:TbScreen, which TbScreen:Database overrides.
        services.AddOptions<PersistenceOptions>().PostConfigure<IOptions<TbScreenOptions>>((persistence, host) =>
        {
            var database = host.Value.Database;
            if (!string.IsNullOrWhiteSpace(database.Provider))
            {
                persistence.Provider = ParseProvider(database.Provider);
            }

            if (!string.IsNullOrWhiteSpace(database.ConnectionString))
            {
                persistence.ConnectionString = database.ConnectionString;
            }

            persistence.ContentStoreDirectory = host.Value.Store;
            persistence.EncryptContent = host.Value.EncryptContent;
            persistence.ContentKeyFile = host.Value.ContentKeyFile;
        });

        // Hosted services start in order: the schema is migrated before the job worker or a request touches it.
        services.AddHostedService<DatabaseMigration>();
        services.AddSingleton(sp => new TbScreen.Screening.Storage.RetentionPurger(
            sp.GetRequiredService<ScreeningDbContextFactory>(), sp.GetRequiredService<TbScreen.Screening.Storage.ContentStore>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<TbScreen.Screening.Storage.RetentionPurger>()));
        services.AddHostedService<RetentionService>();
        return services;
    }

    internal static DatabaseProvider ParseProvider(string? provider) => provider?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => DatabaseProvider.Auto,
        "sqlite" => DatabaseProvider.Sqlite,
        "postgresql" or "postgres" => DatabaseProvider.PostgreSql,
        _ => throw new OptionsValidationException(nameof(TbScreenOptions), typeof(TbScreenOptions),
            [$"TbScreen:Database:Provider '{provider}' is not one of sqlite, postgresql."]),
    };

    private sealed class DatabaseMigration(IServiceProvider services, IOptions<PersistenceOptions> persistence) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            SqliteFiles.EnsureFolder(persistence.Value);
            return services.MigrateScreeningDatabaseAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
