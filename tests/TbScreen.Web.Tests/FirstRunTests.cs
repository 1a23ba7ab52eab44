using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

/// <summary>First run without a configured password: the admin is created and its credentials printed, once.</summary>
public sealed partial class FirstRunTests
{
    [Fact]
    public async Task The_first_start_prints_working_admin_credentials_and_the_next_start_prints_nothing()
    {
        string root = Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N"));
        string output;
        using (var first = new TbScreenApiFactory(root, deleteOnDispose: false, initialAdminPassword: null))
        {
            using var client = first.AnonymousClient(); // starts the host
            output = first.FirstRunOutput.ToString();
            Assert.Contains("/signin", output);
            Assert.Matches(@"User name\s+admin", output);
            string file = PasswordLine().Match(output).Groups[1].Value;
            Assert.True(File.Exists(file), output);
            string password = File.ReadAllText(file).Trim();
            Assert.True(password.Length >= 20, output);
            Assert.DoesNotContain(password, output, StringComparison.Ordinal); // the console shows the path, not the password
            // It tells the operator what the app will make them do (it once pointed at the Users page, which the gate blocks).
            Assert.Contains("You choose a new password at first sign-in; then delete that file.", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Users page", output, StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            using var admin = await first.SignedInClientAsync("admin", password);

            // A generated password must be replaced before anything else (issue 17).
            var blocked = await (await admin.GetAsync("/api/users")).ProblemAsync(HttpStatusCode.Forbidden);
            Assert.Equal("Password change required", blocked.GetProperty("title").GetString());
            var page = await admin.GetAsync("/upload");
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/account/password", page.Headers.Location!.OriginalString);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/account/password")).StatusCode);
            var changed = await admin.PostAsJsonAsync("/api/account/password", new { currentPassword = password, newPassword = "Chosen-Admin-Password-7" });
            Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/users")).StatusCode); // the renewed cookie lacks the mark
        }

        using var second = new TbScreenApiFactory(root, initialAdminPassword: null);
        using var again = second.AnonymousClient();
        Assert.Equal("", second.FirstRunOutput.ToString());
    }

    [GeneratedRegex(@"Password\s+in (\S+)")]
    private static partial Regex PasswordLine();
}
