using TbScreen.Web.Api;
using TbScreen.Web.Components;

namespace TbScreen.Web.Hosting;

/// <summary>The Blazor dashboard: interactive server rendering, static assets, the sign-out form.</summary>
public static class DashboardHostingExtensions
{
    public static WebApplicationBuilder AddTbScreenDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        // The Blazor pages call the same services as the API in-process; nothing else to register here.
        return builder;
    }

    public static WebApplication MapTbScreenDashboard(this WebApplication app)
    {
        // Stylesheets and blazor.web.js: the sign-in page needs them before anyone has signed in.
        app.MapStaticAssets().AllowAnonymous();
        app.MapSignOutForm();
        // No page may be framed, not even by ourselves (Blazor's default is 'self').
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = "'none'");
        return app;
    }
}
