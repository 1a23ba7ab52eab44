using Microsoft.Extensions.Logging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TbScreen.Screening.Storage;

namespace TbScreen.Screening.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="PersistenceOptions"/> from the "Persistence" section; when it names no ConnectionString,
    /// ConnectionStrings:TbScreen is used, else the SQLite default.
    /// </summary>
    public static IServiceCollection AddScreeningPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(PersistenceOptions.SectionName);
        services.AddOptions<Sites.SiteCalibrationOptions>().Bind(configuration.GetSection(Sites.SiteCalibrationOptions.SectionName));
        services.AddOptions<Monitoring.MonitoringOptions>().Bind(configuration.GetSection(Monitoring.MonitoringOptions.SectionName));
        services.AddOptions<PersistenceOptions>()
            .Bind(section)
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(section[nameof(PersistenceOptions.ConnectionString)])
                    && configuration.GetConnectionString(PersistenceOptions.ConnectionStringName) is { Length: > 0 } named)
                {
                    o.ConnectionString = named;
                }
            });
        return services.AddPersistenceCore();
    }

    public static IServiceCollection AddScreeningPersistence(this IServiceCollection services, Action<PersistenceOptions>? configure = null)
    {
        var builder = services.AddOptions<PersistenceOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return services.AddPersistenceCore();
    }

    /// <summary>Applies pending migrations when PersistenceOptions.MigrateOnStartup is on; hosts call it once at startup.</summary>
    public static async Task MigrateScreeningDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (services.GetRequiredService<IOptions<PersistenceOptions>>().Value.MigrateOnStartup)
        {
            await services.GetRequiredService<IScreeningStore>().MigrateAsync(cancellationToken);
        }
    }

    private static IServiceCollection AddPersistenceCore(this IServiceCollection services)
    {
        services.AddOptions<ScreeningOptions>();
        services.TryAddSingleton(sp => new ScreeningDbContextFactory(sp.GetRequiredService<IOptions<PersistenceOptions>>().Value));
        services.TryAddSingleton<IDbContextFactory<ScreeningDbContext>>(sp => sp.GetRequiredService<ScreeningDbContextFactory>());
        services.TryAddSingleton<IScreeningStore, EfScreeningStore>();
        services.TryAddSingleton<ISiteProfileStore, EfSiteProfileStore>();
        services.AddOptions<Sites.SiteCalibrationOptions>();
        services.TryAddSingleton<Sites.SiteCalibrationService>();
        services.AddOptions<Monitoring.MonitoringOptions>();
        services.TryAddSingleton<Monitoring.MonitoringService>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PersistenceOptions>>().Value;
            return ContentStores.Open(options.ContentStoreDirectory, options.EncryptContent, options.ContentKeyFile,
                sp.GetService<ILoggerFactory>()?.CreateLogger(typeof(ContentStores).FullName!));
        });
        services.TryAddSingleton(sp =>
        {
            sp.GetRequiredService<ContentStore>(); // opened first (see ForStore)
            var options = sp.GetRequiredService<IOptions<PersistenceOptions>>().Value;
            return PatientPseudonyms.ForStore(options.ContentStoreDirectory, options.ContentKeyFile);
        });
        services.TryAddSingleton(sp => new PersistentScreeningService(
            sp.GetRequiredService<IScreeningPipeline>(),
            sp.GetRequiredService<IScreeningStore>(),
            sp.GetRequiredService<ContentStore>(),
            sp.GetRequiredService<IOptions<ScreeningOptions>>(),
            sp.GetRequiredService<IOptions<PersistenceOptions>>(),
            sp.GetRequiredService<ISiteProfileStore>()));
        return services;
    }
}
