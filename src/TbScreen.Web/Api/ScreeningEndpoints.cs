namespace TbScreen.Web.Api;

/// <summary>POST /api/screenings (upload), GET /api/screenings/{id}, GET /api/screenings/{id}/heatmap.</summary>
internal static class ScreeningEndpoints
{
    public static RouteGroupBuilder MapScreeningEndpoints(this RouteGroupBuilder api)
    {
        var screenings = api.MapGroup("/screenings").WithTags("Screenings");
        return screenings;
    }
}
