using System.Security.Claims;

namespace TbScreen.Web.Api;

/// <summary>Who the audit log names: the signed-in user, or the host itself for background work.</summary>
internal static class ApiActors
{
    /// <summary>The host itself, for work it does in the background.</summary>
    public const string System = "system";

    /// <summary>The signed-in user's name. Endpoints all require a signed-in user, so a missing name is a wiring bug.</summary>
    public static string Of(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }
            ? name
            : throw new InvalidOperationException("An audited action ran without a signed-in user.");
}
