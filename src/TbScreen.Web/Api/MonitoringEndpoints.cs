using TbScreen.Screening.Monitoring;
using TbScreen.Web.Identity;

namespace TbScreen.Web.Api;

/// <summary>Drift monitoring for scripts: the numbers of the Monitoring page and `tbscreen monitor` (auditors and admins).</summary>
internal static class MonitoringEndpoints
{
    public static RouteHandlerBuilder MapMonitoringEndpoints(this RouteGroupBuilder api) =>
        api.MapGet("/monitoring", async (string? site, string? period, DateOnly? since, MonitoringService monitor, CancellationToken ct) =>
            {
                if (period is not (null or MonitoringPeriods.Week or MonitoringPeriods.Day))
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad period", detail: $"period '{period}' must be week or day");
                }

                var from = since?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
                return Results.Ok(await monitor.ReportAsync(site, from, period, ct));
            })
            .RequireAuthorization(Policies.Audit)
            .WithTags("Monitoring")
            .WithName("GetMonitoring")
            .WithSummary("Per site and period: PSI and KS against the validation reference, positive/flagged/unfamiliar rates, input properties, alerts")
            .ProducesProblem(StatusCodes.Status400BadRequest);
}
