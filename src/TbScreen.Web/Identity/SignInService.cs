using Microsoft.AspNetCore.Identity;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;

namespace TbScreen.Web.Identity;

public enum SignInOutcome
{
    SignedIn,
    Failed,
    LockedOut,
}

/// <summary>
/// Password sign-in for the sign-in page and POST /api/auth/login alike: counts failures towards lockout and writes
/// every attempt to the audit log (the user name as typed, since a failed attempt has no signed-in user).
/// </summary>
public sealed class SignInService(SignInManager<TbScreenUser> signIn, UserManager<TbScreenUser> users, IScreeningStore store)
{
    public async Task<SignInOutcome> SignInAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        var result = await signIn.PasswordSignInAsync(userName.Trim(), password, isPersistent: false, lockoutOnFailure: true);
        var outcome = result.Succeeded ? SignInOutcome.SignedIn : result.IsLockedOut ? SignInOutcome.LockedOut : SignInOutcome.Failed;
        // The failure that reaches the limit locks the account but is reported as a plain failure; say so now.
        if (outcome == SignInOutcome.Failed && await users.FindByNameAsync(userName.Trim()) is { } user && await users.IsLockedOutAsync(user))
        {
            outcome = SignInOutcome.LockedOut;
        }

        string action = outcome switch
        {
            SignInOutcome.SignedIn => AuditActions.SignedIn,
            SignInOutcome.LockedOut => AuditActions.SignInLockedOut,
            _ => AuditActions.SignInFailed,
        };
        await store.RecordAsync(Truncate(userName.Trim()), action, $"user/{Truncate(userName.Trim())}", cancellationToken: cancellationToken);
        return outcome;
    }

    public async Task SignOutAsync(string userName, CancellationToken cancellationToken = default)
    {
        await signIn.SignOutAsync();
        await store.RecordAsync(userName, AuditActions.SignedOut, $"user/{userName}", cancellationToken: cancellationToken);
    }

    // A typed user name is attacker-controlled; keep the audit row bounded.
    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100];
}
