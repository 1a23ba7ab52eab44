namespace TbScreen.Web.Api;

/// <summary>POST /api/jobs (screen a server folder in the background), GET /api/jobs/{id}.</summary>
internal static class JobEndpoints
{
    public static RouteGroupBuilder MapJobEndpoints(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");
        return jobs;
    }
}
