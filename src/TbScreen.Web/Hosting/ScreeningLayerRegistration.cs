using Microsoft.Extensions.Options;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Hosting;

/// <summary>
/// Registers the Screening layer (pipeline, store, content store, persistent service) with its options taken
/// from the host's TbScreen section, so an operator configures one section for the whole host.
/// </summary>
internal static class ScreeningLayerRegistration
{
    public static IServiceCollection AddScreeningLayers(this IServiceCollection services)
    {
        services.AddScreening();
        services.AddOptions<ScreeningOptions>().Configure<IOptions<TbScreenOptions>>((screening, host) =>
        {
            screening.ModelsDirectory = host.Value.Models;
            // Why: an upload over the HTTP limit never reaches the pipeline, so its own cap may not be lower.
            screening.MaxFileBytes = Math.Max(screening.MaxFileBytes, host.Value.Uploads.MaxBytes);
        });

        services.AddScreeningPersistence();
        services.AddOptions<PersistenceOptions>().Configure<IOptions<TbScreenOptions>>((persistence, host) =>
        {
            persistence.Provider = ParseProvider(host.Value.Database.Provider);
            persistence.ConnectionString = host.Value.Database.ConnectionString;
            persistence.ContentStoreDirectory = host.Value.Store;
        });

        // Hosted services start in order: the schema is migrated before the job worker or a request touches it.
        services.AddHostedService<DatabaseMigration>();
        return services;
    }

    private static DatabaseProvider ParseProvider(string? provider) => provider?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => DatabaseProvider.Auto,
        "sqlite" => DatabaseProvider.Sqlite,
        "postgresql" or "postgres" or "npgsql" => DatabaseProvider.PostgreSql,
        _ => throw new OptionsValidationException(nameof(TbScreenOptions), typeof(TbScreenOptions),
            [$"TbScreen:Database:Provider '{provider}' is not one of sqlite, postgresql."]),
    };

    private sealed class DatabaseMigration(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => services.MigrateScreeningDatabaseAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
