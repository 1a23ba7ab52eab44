using TbScreen.Screening.Storage;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Identity;

/// <summary>Identity with cookies, the role policies, lockout and the first-run admin.</summary>
internal static class IdentityRegistration
{
    public const string SignInPath = "/signin";

    public static IServiceCollection AddTbScreenIdentity(this IServiceCollection services)
    {
        services.AddScoped<AccountsDbContext>(sp => AccountsDbContextFactory.Create(sp.GetRequiredService<IOptions<PersistenceOptions>>().Value));

        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        // DICOMweb clients (PACS, archives) send credentials with each request instead of keeping a cookie.
        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, DicomWebBasicAuthentication>(DicomWebBasicAuthentication.SchemeName, null);
        services.AddIdentityCore<TbScreenUser>(options =>
            {
                options.Password.RequiredLength = 12;
                options.User.RequireUniqueEmail = false;
                options.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AccountsDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        // Deferred to options time: read at registration, a test host's configuration would not be seen yet.
        services.AddOptions<IdentityOptions>().Configure<IOptions<TbScreenOptions>>((identity, host) =>
        {
            identity.Lockout.MaxFailedAccessAttempts = host.Value.Security.Lockout.MaxFailedAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(host.Value.Security.Lockout.Minutes);
        });

        services.AddDataProtection().SetApplicationName("TbScreen");
        // Keys sealed under the master key file and kept in a folder only the service account can open (issue 17).
        services.AddSingleton(sp =>
        {
            var host = sp.GetRequiredService<IOptions<TbScreenOptions>>().Value;
            return new DataProtectionKeyWrap(MasterKey.LoadOrCreate(ContentStores.KeyFileFor(host.Store, host.ContentKeyFile)));
        });
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<TbScreenOptions>, ILoggerFactory, IServiceProvider>((keys, host, logging, sp) =>
        {
            keys.XmlRepository = new FileSystemXmlRepository(PrivateFolder(host.Value.Security.KeysFolder), logging);
            keys.XmlEncryptor = new MasterKeyXmlEncryptor(sp.GetRequiredService<DataProtectionKeyWrap>());
        });

        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = SignInPath;
            cookie.AccessDeniedPath = "/access-denied";
            cookie.Cookie.Name = "tbscreen.auth";
            cookie.Cookie.HttpOnly = true;
            // Strict: a cross-site page cannot make the browser send it, which is what protects the cookie-authenticated
            // JSON API (scripts send no antiforgery token) from cross-site request forgery.
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            // Scripts and fetch calls want a status code, not a redirect to an HTML sign-in page.
            cookie.Events.OnRedirectToLogin = context => Answer(context, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => Answer(context, StatusCodes.Status403Forbidden);
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Screen, p => p.RequireRole(Policies.ScreenRoles))
            .AddPolicy(Policies.ScreenDicomWeb, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme, DicomWebBasicAuthentication.SchemeName).RequireRole(Policies.ScreenRoles))
            .AddPolicy(Policies.Review, p => p.RequireRole(Roles.Radiologist))
            .AddPolicy(Policies.Audit, p => p.RequireRole(Policies.AuditRoles))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.AnyRole, p => p.RequireRole(Roles.All));
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        // Cookies are checked against the account as often: a disabled user or changed roles end the session.
        services.AddOptions<SecurityStampValidatorOptions>().Configure<IOptions<TbScreenOptions>>((validator, host) =>
            validator.ValidationInterval = TimeSpan.FromSeconds(Math.Max(0, host.Value.Security.RevalidateSeconds)));

        services.AddSingleton<FirstRunConsole>();
        services.AddScoped<SignInService>();
        services.AddSingleton<BasicFailureLimiter>();
        services.AddScoped<AccountPasswords>();
        services.AddHostedService<AccountsBootstrap>();
        return services;
    }

    private static Task Answer(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (IsApi(context.Request))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    internal static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/openapi") || request.Path.StartsWithSegments("/dicomweb");

    /// <summary>The folder, created with mode 0700 (and tightened if it exists): the keys are the service account's alone.</summary>
    internal static DirectoryInfo PrivateFolder(string path)
    {
        var folder = Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return folder;
    }
}
