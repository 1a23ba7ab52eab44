using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;

namespace TbScreen.Web.Identity;

/// <summary>
/// A user's own password: changing it (page and API alike), and the "must change" mark that a generated first-run
/// password carries until its owner picks one (issue 17). The mark is a user claim, so it is in the sign-in cookie.
/// </summary>
public sealed class AccountPasswords(UserManager<TbScreenUser> users, SignInManager<TbScreenUser> signIn, IScreeningStore store)
{
    public const string MustChangeClaim = "tbscreen:must-change-password";

    public const string ChangePath = "/account/password";

    public static bool MustChange(ClaimsPrincipal user) => user.HasClaim(c => c.Type == MustChangeClaim);

    public async Task RequireChangeAsync(TbScreenUser user)
    {
        var added = await users.AddClaimAsync(user, new Claim(MustChangeClaim, "true"));
        if (!added.Succeeded)
        {
            throw new InvalidOperationException("Could not mark the password for change: " + string.Join("; ", added.Errors.Select(e => e.Description)));
        }
    }

    /// <summary>Null when changed (and the session's cookie renewed without the mark); otherwise what is wrong, for the user.</summary>
    public async Task<string?> ChangeOwnAsync(ClaimsPrincipal principal, string current, string next, CancellationToken cancellationToken = default)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return "You are not signed in.";
        }

        if (string.Equals(current, next, StringComparison.Ordinal))
        {
            return "Choose a new password that differs from the current one.";
        }

        return await AccountAudit.RunAsync(store, new AuditEntry(user.UserName!, AuditActions.OwnPasswordChanged, $"user/{user.UserName}"), async () =>
        {
            var changed = await users.ChangePasswordAsync(user, current, next);
            if (!changed.Succeeded)
            {
                return string.Join(" ", changed.Errors.Select(e => e.Code == "PasswordMismatch" ? "The current password is wrong." : e.Description));
            }

            foreach (var claim in (await users.GetClaimsAsync(user)).Where(c => c.Type == MustChangeClaim).ToList())
            {
                await users.RemoveClaimAsync(user, claim);
            }

            await signIn.RefreshSignInAsync(user);
            return null;
        }, cancellationToken);
    }
}
