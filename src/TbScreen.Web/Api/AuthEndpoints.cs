using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using TbScreen.Web.Identity;

namespace TbScreen.Web.Api;

/// <summary>POST /api/auth/login and /logout for scripts (the same cookie the dashboard uses), GET /api/auth/me.</summary>
internal static class AuthEndpoints
{
    public sealed record LoginRequest(string UserName, string Password);

    public sealed record Me(string UserName, IReadOnlyList<string> Roles);

    public sealed record ChangePasswordRequest(string CurrentPassword, string NewPassword);

    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth");
        auth.MapPost("/login", LoginAsync)
            .AllowAnonymous()
            // Nothing to forge: a login request proves itself with the password. Lockout counts failures.
            .DisableAntiforgery()
            .WithName("Login")
            .WithSummary("Sign in with user name and password; the answer sets the tbscreen.auth cookie")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPost("/logout", async (SignInService signIn, ClaimsPrincipal user, CancellationToken ct) =>
            {
                await signIn.SignOutAsync(ApiActors.Of(user), ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization()
            .DisableAntiforgery()
            .WithName("Logout")
            .WithSummary("Sign out (clears the cookie)");
        api.MapPost("/account/password", async (ChangePasswordRequest request, AccountPasswords passwords, ClaimsPrincipal user, CancellationToken ct) =>
                await passwords.ChangeOwnAsync(user, request.CurrentPassword ?? "", request.NewPassword ?? "", ct) is { } error
                    ? TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Password not changed", detail: error)
                    : (IResult)TypedResults.NoContent())
            .RequireAuthorization()
            .DisableAntiforgery()
            .WithTags("Auth")
            .WithName("ChangeOwnPassword")
            .WithSummary("Change your own password (needs the current one); renews the cookie")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        auth.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new Me(
                ApiActors.Of(user), Roles.All.Where(user.IsInRole).ToList())))
            .RequireAuthorization()
            .WithName("Me")
            .WithSummary("The signed-in user and their roles");
        return auth;
    }

    private static async Task<IResult> LoginAsync(LoginRequest request, SignInService signIn, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrEmpty(request.Password))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing credentials", detail: "Give userName and password.");
        }

        return await signIn.SignInAsync(request.UserName, request.Password, cancellationToken) switch
        {
            SignInOutcome.SignedIn => TypedResults.NoContent(),
            // A locked account, an unknown user and a wrong password get the same answer (no user enumeration).
            _ => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: SignInService.Refused),
        };
    }

    /// <summary>The dashboard's sign-out button: a form post, so antiforgery applies.</summary>
    public static IEndpointRouteBuilder MapSignOutForm(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/signout", async ([FromForm] string? returnUrl, SignInService signIn, ClaimsPrincipal user, CancellationToken ct) =>
            {
                await signIn.SignOutAsync(ApiActors.Of(user), ct);
                return TypedResults.LocalRedirect("~" + IdentityRegistration.SignInPath);
            })
            .RequireAuthorization()
            .ExcludeFromDescription();
        return app;
    }
}
