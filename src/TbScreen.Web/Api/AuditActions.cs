namespace TbScreen.Web.Api;

/// <summary>The audit log's action names for the API; stable strings, since reports filter on them.</summary>
internal static class AuditActions
{
    public const string ScreeningUploaded = "screening.upload";
    public const string ResultViewed = "screening.view";
    public const string HeatmapViewed = "screening.heatmap.view";
    public const string JobCreated = "job.create";
    public const string JobCompleted = "job.completed";
    public const string JobStopped = "job.stopped";
}
