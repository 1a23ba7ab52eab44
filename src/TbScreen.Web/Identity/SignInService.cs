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
/// every attempt to the audit log (the user name as typed, since a failed attempt has no signed-in user). Callers show
/// <see cref="Refused"/> for a wrong password, an unknown user and a locked account alike (no user enumeration);
/// only the audit trail tells them apart.
/// </summary>
public sealed class SignInService(SignInManager<TbScreenUser> signIn, UserManager<TbScreenUser> users, IScreeningStore store)
{
    /// <summary>The one answer to every refused sign-in.</summary>
    public const string Refused = "Wrong user name or password, or the account is locked after repeated failed sign-ins. Try again later or ask an administrator.";

    // A hash to verify against when the user does not exist, so that an unknown name also costs a hash verification.
    private static readonly TbScreenUser UnknownUser = new("unknown");
    private static readonly Lazy<string> UnknownUserHash = new(() =>
        new PasswordHasher<TbScreenUser>().HashPassword(UnknownUser, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18))));

    public async Task<SignInOutcome> SignInAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        var user = await users.FindByNameAsync(userName.Trim());
        if (user is null)
        {
            SpendAHashVerification(users.PasswordHasher, password);
        }

        var result = user is null ? Microsoft.AspNetCore.Identity.SignInResult.Failed : await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        var outcome = result.Succeeded ? SignInOutcome.SignedIn : result.IsLockedOut ? SignInOutcome.LockedOut : SignInOutcome.Failed;
        // The failure that reaches the limit locks the account but is reported as a plain failure; the audit says so.
        if (outcome == SignInOutcome.Failed && user is not null && await users.IsLockedOutAsync(user))
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

    /// <summary>What checking a password costs, spent for a user that does not exist, so that timing does not tell the two apart.</summary>
    internal static void SpendAHashVerification(IPasswordHasher<TbScreenUser> hasher, string password) =>
        hasher.VerifyHashedPassword(UnknownUser, UnknownUserHash.Value, password);

    public async Task SignOutAsync(string userName, CancellationToken cancellationToken = default)
    {
        await signIn.SignOutAsync();
        await store.RecordAsync(userName, AuditActions.SignedOut, $"user/{userName}", cancellationToken: cancellationToken);
    }

    // A typed user name is attacker-controlled; keep the audit row bounded.
    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100];
}
