using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TbScreen.Screening;

/// <summary>One AddXxx per layer (eShop style): the host calls AddScreening, then AddScreeningPersistence.</summary>
public static class ScreeningServiceCollectionExtensions
{
    /// <summary>Binds <see cref="ScreeningOptions"/> from the "Screening" section of <paramref name="configuration"/>.</summary>
    public static IServiceCollection AddScreening(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ScreeningOptions>().Bind(configuration.GetSection(ScreeningOptions.SectionName));
        return services.AddScreeningCore();
    }

    public static IServiceCollection AddScreening(this IServiceCollection services, Action<ScreeningOptions>? configure = null)
    {
        var builder = services.AddOptions<ScreeningOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return services.AddScreeningCore();
    }

    private static IServiceCollection AddScreeningCore(this IServiceCollection services)
    {
        // One pipeline per process: the ONNX sessions are large and thread-safe. The container disposes it at shutdown.
        // Pseudonyms come from the persistence layer's master key when the host has one (AddScreeningPersistence).
        // The pixel decoder is the one place native codec isolation is decided (ScreeningOptions.IsolateNativeCodecs):
        // the pipeline and the viewer take it from here, and the container stops its codec hosts at shutdown.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ScreeningOptions>>().Value.CreatePixelDecoder());
        services.TryAddSingleton(sp => ScreeningPipeline.Load(
            sp.GetRequiredService<IOptions<ScreeningOptions>>().Value, sp.GetService<PatientPseudonyms>(), sp.GetRequiredService<TbScreen.Dicom.Pixels.PixelDataDecoder>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<ScreeningPipeline>()));
        services.TryAddSingleton<IScreeningPipeline>(sp => sp.GetRequiredService<ScreeningPipeline>());
        return services;
    }
}
