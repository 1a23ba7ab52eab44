using TbScreen.Web.Api;

namespace TbScreen.Web.Identity;

/// <summary>
/// While a signed-in user's password is marked "must change", every page sends them to the change-password page and
/// every API call but the password change and sign-in/out answers 403 "Password change required".
/// </summary>
internal sealed class PasswordChangeGate(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true || !AccountPasswords.MustChange(context.User) || IsAllowed(context.Request.Path))
        {
            return next(context);
        }

        if (IdentityRegistration.IsApi(context.Request))
        {
            return Hosting.MiddlewareProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Password change required",
                $"Set a new password first: POST /api/account/password, or the page {AccountPasswords.ChangePath}.");
        }

        context.Response.Redirect(AccountPasswords.ChangePath);
        return Task.CompletedTask;
    }

    private static bool IsAllowed(PathString path) =>
        path.StartsWithSegments(AccountPasswords.ChangePath) || path.StartsWithSegments("/api/account/password") || path.StartsWithSegments("/api/auth")
        || path.StartsWithSegments("/account/signout") || path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content")
        || path.StartsWithSegments("/favicon.ico") || path.Value?.EndsWith(".css", StringComparison.OrdinalIgnoreCase) == true || path.Value?.EndsWith(".js", StringComparison.OrdinalIgnoreCase) == true;
}
