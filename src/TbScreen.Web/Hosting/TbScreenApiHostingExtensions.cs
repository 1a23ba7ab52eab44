using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using TbScreen.Web.Api;
using TbScreen.Web.Configuration;
using TbScreen.Web.Identity;
using TbScreen.Web.Jobs;
using TbScreen.Web.Reports;
using TbScreen.Web.Reviews;
using TbScreen.Web.Viewing;

namespace TbScreen.Web.Hosting;

/// <summary>The host's wiring, in the spirit of eShop's AddServiceDefaults: Program.cs only calls these.</summary>
public static class TbScreenApiHostingExtensions
{
    public static WebApplicationBuilder AddTbScreenApi(this WebApplicationBuilder builder)
    {
        if (TransportGuard.Problem(builder.Configuration["urls"], builder.Configuration.GetValue<bool>(TransportGuard.AllowInsecureKey)) is { } insecure)
        {
            throw new InvalidOperationException(insecure);
        }

        builder.Services.AddTbScreenApi(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddTbScreenApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TbScreenOptions>()
            .Bind(configuration.GetSection(TbScreenOptions.SectionName))
            .Validate(o => o.Uploads.MaxBytes > 0, "TbScreen:Uploads:MaxBytes must be positive.")
            .Validate(o => o.Jobs.Parallelism > 0, "TbScreen:Jobs:Parallelism must be positive.")
            .Validate(o => string.IsNullOrWhiteSpace(o.Broker) || IsAmqp(o.Broker), "TbScreen:Broker must be an AMQP URI (amqp://user:password@host:5672/vhost).")
            .Validate(o => o.Dicom.Port is null or (>= 0 and <= 65535), "TbScreen:Dicom:Port must be a TCP port.")
            .Validate(o => System.Net.IPAddress.TryParse(o.Dicom.Bind, out _), "TbScreen:Dicom:Bind must be an IP address.")
            .Validate(o => o.Dicom.ForwardResults is null || IsPeer(o.Dicom.ForwardResults), "TbScreen:Dicom:ForwardResults must be AE@host:port.")
            .Validate(o => o.Dicom.Archives.All(IsPeer) && o.Dicom.Archives.Select(d => d.Split('@')[0]).Distinct(StringComparer.Ordinal).Count() == o.Dicom.Archives.Count,
                "TbScreen:Dicom:Archives must be distinct AE titles, each AE@host:port.")
            .Validate(o => !o.Dicom.StorageCommitment || (o.Dicom.ForwardResults is not null && o.Dicom.Port is not null),
                "TbScreen:Dicom:StorageCommitment needs ForwardResults (the archive asked) and Port (where its reports arrive).")
            .Validate(o => o.Dicom.MoveDestinations.All(IsPeer) && o.Dicom.MoveDestinations.Select(d => d.Split('@')[0]).Distinct(StringComparer.Ordinal).Count() == o.Dicom.MoveDestinations.Count,
                "TbScreen:Dicom:MoveDestinations must be distinct AE@host:port entries.")
            .Validate(o => o.Security.DicomWebOrigins.All(IsOrigin), "TbScreen:Security:DicomWebOrigins must be \"*\" or origins such as https://viewer.example.org.")
            .Validate(o => o.Security.Lockout.MaxFailedAttempts > 0 && o.Security.Lockout.Minutes > 0,
                "TbScreen:Security:Lockout:MaxFailedAttempts and Minutes must be positive.")
            .Validate(o => !o.Retention.Enabled || o.Retention.IsValid,
                "TbScreen:Retention:SourceImageDays must be at least 1 and Interval at least one second (or set Enabled to false).")
            .Validate(o => o.Security.RateLimits is { SignInsPerMinute: > 0, UploadsPerMinute: > 0, ApiRequestsPerMinute: > 0 },
                "TbScreen:Security:RateLimits values must be positive.")
            .Validate(o => o.Security.KnownProxies.All(p => System.Net.IPAddress.TryParse(p, out _)), "TbScreen:Security:KnownProxies must be IP addresses.")
            .Validate(o => o.Database.Provider?.ToLowerInvariant() is null or "" or "sqlite" or "postgresql" or "postgres" or "auto",
                "TbScreen:Database:Provider must be sqlite or postgresql.")
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<TbScreenOptions>, ResolveRelativePaths>();

        // Every error is ProblemDetails: thrown (exception handler), or a bare status code (status code pages).
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier));
        services.AddExceptionHandler<ApiExceptionHandler>();

        services.AddScreeningLayers(configuration);
        services.AddSingleton<JobFolderPolicy>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobCancellation>();
        services.AddScoped<JobControl>();
        services.AddSingleton<UnfinishedJobs>();
        services.AddHostedService<FolderJobWorker>();
        services.AddJobDispatch();
        services.AddSingleton<TbScreen.Screening.Persistence.DicomOutboxStore>();
        services.AddSingleton<TbScreen.Pacs.ResultStudies>();
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<TbScreenOptions>>((cors, tb) =>
            cors.AddPolicy(DicomWebRoutes.CorsPolicy, policy => DicomWebRoutes.Configure(policy, tb.Value.Security)));
        services.AddSingleton<Pacs.DicomNodeService>();
        services.AddSingleton<TbScreen.Screening.Persistence.ArchivePullStore>();
        services.AddSingleton<Pacs.ArchivePulls>();
        services.AddHostedService<Pacs.ArchivePullResumer>();
        services.AddSingleton<Pacs.ReviewedReports>();
        services.AddSingleton<Pacs.ReceivedResults>();
        services.AddHostedService(sp => sp.GetRequiredService<Pacs.DicomNodeService>());
        services.AddScoped<UploadScreening>();
        services.AddScoped<UploadJobs>();
        services.AddScoped<FolderJobs>();
        services.AddSingleton<JobResults>();
        services.AddSingleton<Worklist>();
        services.AddScoped<ReviewService>();
        services.AddSingleton(new DecodedImageCache());
        services.AddSingleton<ViewAudit>();
        services.AddScoped<StoredImages>();
        services.AddScoped<HeatmapOverlays>();
        services.AddSingleton<ModelCatalog>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<Sites.SiteAdministration>();

        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "TbScreen API";
            document.Info.Version = "v1";
            document.Info.Description =
                "Chest X-ray screening for pulmonary tuberculosis: upload a radiograph, read results, screen server folders. "
                + ResearchNotice.Text;
            return Task.CompletedTask;
        }));
        return services;
    }

    private static bool IsPeer(string text)
    {
        try
        {
            TbScreen.Dicom.Network.DicomPeer.Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool IsAmqp(string uri)
    {
        try
        {
            TbScreen.Broker.BrokerUri.Parse(uri);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Identity, cookies, role policies and the first-run admin (Identity/IdentityRegistration.cs).</summary>
    public static WebApplicationBuilder AddTbScreenSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddTbScreenIdentity();
        builder.Services.AddTbScreenRateLimiting();
        return builder;
    }

    /// <summary>The middleware, in order: errors as ProblemDetails, routing, who is calling, may they, antiforgery, size.</summary>
    public static WebApplication UseTbScreen(this WebApplication app)
    {
        var proxies = app.Services.GetRequiredService<IOptions<TbScreenOptions>>().Value.Security.KnownProxies;
        if (proxies.Count > 0)
        {
            // Only the configured proxies may say who the client is and whether it came over HTTPS.
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (string proxy in proxies)
            {
                forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }

            app.UseForwardedHeaders(forwarded);
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts(); // HTTPS requests only; browsers then refuse plain HTTP to this host
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        // Scripts get ProblemDetails for every error; people get a page for an address that does not exist.
        // (Only page GETs are re-executed: a refused form POST re-executed against a page would fail again.)
        app.UseWhen(c => !IsPageRead(c), other => other.UseStatusCodePages());
        app.UseWhen(IsPageRead, pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseRouting();
        app.UseCors(); // before authentication: a browser's preflight carries no credentials
        app.UseAuthentication();
        app.UseRateLimiter(); // after authentication: API limits are per user
        app.UseMiddleware<Identity.PasswordChangeGate>();
        app.UseMiddleware<MultipartForgeryGuard>();
        app.UseAuthorization();
        app.UseAntiforgery();
        // After authorization, so that an anonymous caller learns nothing but 401.
        app.UseMiddleware<UploadSizeGuardMiddleware>();
        return app;
    }

    public static WebApplication MapTbScreenApi(this WebApplication app)
    {
        app.MapOpenApi().RequireAuthorization(Policies.AnyRole);
        var api = app.MapGroup("/api");
        api.MapAuthEndpoints();
        api.MapScreeningEndpoints();
        api.MapReviewEndpoints();
        api.MapJobEndpoints();
        api.MapReportEndpoints();
        api.MapAdminEndpoints();
        api.MapSiteEndpoints();
        api.MapMonitoringEndpoints();
        app.MapDicomWebEndpoints();
        app.MapQidoEndpoints();
        app.MapDicomWebRetrieveEndpoints();
        app.MapDicomWebMetadataEndpoints();
        app.MapDicomWebRenderedEndpoints();
        return app;
    }

    private static bool IsOrigin(string origin) =>
        origin == "*" || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && uri.Query.Length == 0);

    private static bool IsPageRead(HttpContext context) =>
        !IdentityRegistration.IsApi(context.Request) && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method));

    /// <summary>Why: "models" in appsettings must mean the same folder however the process was started.</summary>
    private sealed class ResolveRelativePaths(IHostEnvironment environment) : IPostConfigureOptions<TbScreenOptions>
    {
        public void PostConfigure(string? name, TbScreenOptions options)
        {
            options.Models = Path.GetFullPath(options.Models, environment.ContentRootPath);
            options.Store = Path.GetFullPath(options.Store, environment.ContentRootPath);
            if (!string.IsNullOrWhiteSpace(options.ContentKeyFile))
            {
                options.ContentKeyFile = Path.GetFullPath(options.ContentKeyFile, environment.ContentRootPath);
            }
            options.Security.KeysFolder = Path.GetFullPath(options.Security.KeysFolder, environment.ContentRootPath);
            options.Jobs.UploadFolder = Path.GetFullPath(options.Jobs.UploadFolder, environment.ContentRootPath);
            options.Jobs.AllowedRoots = options.Jobs.AllowedRoots.Select(r => Path.GetFullPath(r, environment.ContentRootPath)).ToList();
            if (!string.IsNullOrWhiteSpace(options.Database.ConnectionString))
            {
                options.Database.ConnectionString = SqliteFiles.AnchorDataSource(
                    options.Database.ConnectionString, ScreeningLayerRegistration.ParseProvider(options.Database.Provider), environment.ContentRootPath);
            }
        }
    }
}
