using Microsoft.AspNetCore.Cors.Infrastructure;
using TbScreen.Web.Configuration;
using TbScreen.Web.Identity;

namespace TbScreen.Web.Api;

/// <summary>The one /dicomweb route group: its role policy and its CORS policy, for every DICOMweb endpoint file.</summary>
public static class DicomWebRoutes
{
    public const string CorsPolicy = "DicomWeb";

    public static RouteGroupBuilder Group(IEndpointRouteBuilder app) =>
        app.MapGroup("/dicomweb").WithTags("DICOMweb").RequireAuthorization(Policies.ScreenDicomWeb).RequireCors(CorsPolicy);

    /// <summary>
    /// The origins of TbScreen:Security:DicomWebOrigins may call DICOMweb from a browser with an Authorization header,
    /// and read the Warning header QIDO-RS sets; "*" allows any origin. None configured, no CORS header is ever sent.
    /// </summary>
    public static void Configure(CorsPolicyBuilder policy, SecurityOptions security)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(security);
        if (security.DicomWebOrigins.Contains("*"))
        {
            policy.AllowAnyOrigin();
        }
        else
        {
            policy.WithOrigins([.. security.DicomWebOrigins.Select(o => o.TrimEnd('/'))]);
        }

        policy.WithMethods("GET", "POST").WithHeaders("Authorization", "Accept", "Content-Type").WithExposedHeaders("Warning", "Content-Location");
    }
}
