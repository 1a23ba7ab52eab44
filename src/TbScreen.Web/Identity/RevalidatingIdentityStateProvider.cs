using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Identity;

/// <summary>
/// Re-checks an open dashboard circuit's user every TbScreen:Security:RevalidateSeconds (60): a deleted or disabled
/// account, or one whose roles changed (its security stamp moved), is signed out of the circuit (issue 17).
/// </summary>
internal sealed class RevalidatingIdentityStateProvider(ILoggerFactory logging, IServiceScopeFactory scopes, IOptions<TbScreenOptions> options, IOptions<IdentityOptions> identity)
    : RevalidatingServerAuthenticationStateProvider(logging)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(Math.Max(1, options.Value.Security.RevalidateSeconds));

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TbScreenUser>>();
        return await IsCurrentAsync(users, authenticationState.User, identity.Value.ClaimsIdentity.SecurityStampClaimType);
    }

    private static async Task<bool> IsCurrentAsync(UserManager<TbScreenUser> users, ClaimsPrincipal principal, string stampClaim)
    {
        if (await users.GetUserAsync(principal) is not { } user || await users.IsLockedOutAsync(user))
        {
            return false;
        }

        return !users.SupportsUserSecurityStamp || principal.FindFirstValue(stampClaim) == await users.GetSecurityStampAsync(user);
    }
}
