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

            // Items go to the queue of the models themselves; the host's stability check travels in each message, and
            // the workers run it and mark their results' version with it, as this host marks its own.
            var stability = provider.GetRequiredService<IOptions<ScreeningOptions>>().Value.ToStabilityOptions();
            return new BrokerItemDispatcher(provider.GetRequiredService<BrokerClient>(), screening.Store,
                ScreeningPipeline.VersionOf(provider.GetRequiredService<ScreeningPipeline>().Ensemble), stability.Enabled ? stability : null,
                provider.GetRequiredService<ILogger<BrokerItemDispatcher>>());
        });
        services.AddSingleton<JobEngineStatus>();
        return services;
    }
}
