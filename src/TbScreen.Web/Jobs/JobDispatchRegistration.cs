using Microsoft.Extensions.Options;
using TbScreen.Screening;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Jobs;

/// <summary>Where the host's batch jobs run: here (default), or on queue workers when TbScreen:Broker is set.</summary>
public static class JobDispatchRegistration
{
    public static IServiceCollection AddJobDispatch(this IServiceCollection services)
    {
        services.AddSingleton<BrokerClient>();
        services.AddSingleton<IItemDispatcher>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<TbScreenOptions>>().Value;
            var screening = provider.GetRequiredService<PersistentScreeningService>();
            if (string.IsNullOrWhiteSpace(options.Broker))
            {
                return new InProcessItemDispatcher(screening, options.Jobs.Parallelism, provider.GetRequiredService<TbScreen.Screening.Storage.ContentStore>());
            }

            var persistence = provider.GetRequiredService<IOptions<PersistenceOptions>>().Value;
            if (persistence.ResolveProvider() != DatabaseProvider.PostgreSql)
            {
                throw new OptionsValidationException(nameof(TbScreenOptions.Broker), typeof(TbScreenOptions),
                    ["TbScreen:Broker needs a PostgreSQL database (TbScreen:Database): the workers on other machines write their results to it, and a SQLite file cannot be shared."]);
            }

            // Workers screen without the stability check: its 'unstable' flag would be missing from every job's results.
            if (provider.GetRequiredService<IOptions<ScreeningOptions>>().Value.StabilityCheck)
            {
                throw new OptionsValidationException(nameof(ScreeningOptions.StabilityCheck), typeof(ScreeningOptions),
                    ["Screening:StabilityCheck is not available with TbScreen:Broker yet: queue workers screen jobs without the stability check, so their results would lack the 'unstable' flag. Turn one of the two off."]);
            }

            return new BrokerItemDispatcher(provider.GetRequiredService<BrokerClient>(), screening.Store, screening.ModelVersion,
                provider.GetRequiredService<ILogger<BrokerItemDispatcher>>());
        });
        services.AddSingleton<JobEngineStatus>();
        return services;
    }
}
