using System.Security.Claims;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Identity;

namespace TbScreen.Web.Api;

/// <summary>Users (admin) and the audit log (auditors), for scripts as for the pages.</summary>
internal static class AdminEndpoints
{
    public sealed record CreateUserRequest(string UserName, string Password, IReadOnlyList<string>? Roles);

    public sealed record SetRolesRequest(IReadOnlyList<string> Roles);

    public static RouteGroupBuilder MapAdminEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(Policies.Admin).DisableAntiforgery();
        users.MapGet("/", async (UserAdministration admin, CancellationToken ct) => TypedResults.Ok(await admin.ListAsync(ct)))
            .WithName("ListUsers").WithSummary("Users with their roles and lockout state");
        users.MapPost("/", async (CreateUserRequest request, UserAdministration admin, ClaimsPrincipal user, CancellationToken ct) =>
                await admin.CreateAsync(request.UserName, request.Password, request.Roles ?? [], ApiActors.Of(user), ct) is { } error
                    ? Problem(error)
                    : TypedResults.Created($"/api/users/{request.UserName}"))
            .WithName("CreateUser").WithSummary("Create a user with a password and roles (clinician, radiologist, auditor, admin)")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        users.MapPut("/{userName}/enabled", async (string userName, SetEnabledRequest request, UserAdministration admin, ClaimsPrincipal user, CancellationToken ct) =>
                await admin.SetEnabledAsync(userName, request.Enabled, ApiActors.Of(user), ct) is { } error ? Problem(error) : TypedResults.NoContent())
            .WithName("SetUserEnabled").WithSummary("Disable or enable an account; a disabled user's open sessions end within a minute")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        users.MapPut("/{userName}/roles", async (string userName, SetRolesRequest request, UserAdministration admin, ClaimsPrincipal user, CancellationToken ct) =>
                await admin.SetRolesAsync(userName, request.Roles, ApiActors.Of(user), ct) is { } error ? Problem(error) : TypedResults.NoContent())
            .WithName("SetUserRoles").WithSummary("Replace a user's roles")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/audit", async (int? count, IScreeningStore store, CancellationToken ct) =>
                TypedResults.Ok(await store.AuditTrailAsync(Math.Clamp(count ?? 200, 1, 5000), ct)))
            .RequireAuthorization(Policies.Audit)
            .WithTags("Audit")
            .WithName("GetAuditTrail")
            .WithSummary("The most recent audit events, newest first");
        return users;
    }

    private static IResult Problem(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "User change refused", detail: detail);

    public sealed record SetEnabledRequest(bool Enabled);
}
