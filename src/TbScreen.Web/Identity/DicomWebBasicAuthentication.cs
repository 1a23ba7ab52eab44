using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;

namespace TbScreen.Web.Identity;

/// <summary>
/// HTTP Basic authentication for the DICOMweb endpoints only: a PACS, an archive or Orthanc's DICOMweb client cannot
/// sign in through a page and keep a cookie, but every one of them can send a user name and password with each request.
/// The account is an ordinary TbScreen user (a service account with the clinician role, say): the same password check,
/// lockout after repeated failures, disablement and roles as the sign-in page. Failures and lockouts are audited as
/// sign-in failures are; successes are not (each search, store and retrieve is audited under the account's name).
/// Send it over HTTPS: Basic credentials are only encoded.
/// </summary>
public sealed class DicomWebBasicAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SignInManager<TbScreenUser> signIn,
    UserManager<TbScreenUser> users,
    IScreeningStore store,
    BasicFailureLimiter failures) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "DicomWebBasic";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header) || !"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter ?? ""));
        }
        catch (FormatException)
        {
            return AuthenticateResult.Fail("malformed Basic credentials");
        }

        int colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return AuthenticateResult.Fail("malformed Basic credentials");
        }

        string userName = decoded[..colon].Trim(), password = decoded[(colon + 1)..];
        string address = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!failures.MayTry(address))
        {
            // Too many failures from this address this minute: not even checked, as the sign-in page's limit would refuse it.
            return AuthenticateResult.Fail("too many failed sign-ins from this address; wait a minute");
        }

        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            SignInService.SpendAHashVerification(users.PasswordHasher, password); // no user enumeration by response time
        }
        var result = user is null ? Microsoft.AspNetCore.Identity.SignInResult.Failed : await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            var principal = await signIn.CreateUserPrincipalAsync(user!);
            // The page-based gate never sees a Basic caller: an account whose password must change is refused here.
            return AccountPasswords.MustChange(principal)
                ? AuthenticateResult.Fail("password change required: sign in once on the dashboard and set a new password")
                : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
        }

        failures.Failed(address);
        bool locked = result.IsLockedOut || (user is not null && await users.IsLockedOutAsync(user));
        string name = userName.Length <= 100 ? userName : userName[..100];
        await store.RecordAsync(name, locked ? AuditActions.SignInLockedOut : AuditActions.SignInFailed, $"user/{name}", "HTTP Basic, DICOMweb", Context.RequestAborted);
        return AuthenticateResult.Fail(SignInService.Refused);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"TbScreen DICOMweb\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }
}
