using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Identity;

/// <summary>
/// At start: migrates the accounts schema, makes sure the four roles exist, and when there is no user at all creates
/// the admin and prints how to sign in (once: the next start finds a user and prints nothing).
/// </summary>
internal sealed class AccountsBootstrap(
    IServiceProvider services,
    IOptions<PersistenceOptions> persistence,
    IOptions<TbScreenOptions> options,
    IHostApplicationLifetime lifetime,
    IServer server,
    IConfiguration configuration,
    FirstRunConsole console,
    ILogger<AccountsBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (persistence.Value.MigrateOnStartup)
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Database.MigrateAsync(cancellationToken);
        }

        await using var seeding = services.CreateAsyncScope();
        var roles = seeding.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (string role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");
            }
        }

        var users = seeding.ServiceProvider.GetRequiredService<UserManager<TbScreenUser>>();
        if (await users.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var security = options.Value.Security;
        bool generated = string.IsNullOrEmpty(security.InitialAdminPassword);
        string password = generated ? GeneratePassword() : security.InitialAdminPassword!;
        var admin = new TbScreenUser(security.InitialAdminUserName);
        Check(await users.CreateAsync(admin, password), "create the initial admin (TbScreen:Security:InitialAdminPassword must satisfy the password rules)");
        Check(await users.AddToRoleAsync(admin, Roles.Admin), "give the initial admin its role");
        if (generated)
        {
            // A password that went through a file is changed at first sign-in (issue 17).
            await seeding.ServiceProvider.GetRequiredService<AccountPasswords>().RequireChangeAsync(admin);
        }

        logger.LogWarning("Created the initial admin account {User}", admin.UserName);

        // The generated password goes to a file only the service account can read; the console gets its path (issue 17).
        string? passwordFile = generated ? WritePasswordFile(security.KeysFolder, password) : null;
        // Printed once the server listens, so the address is the real one.
        lifetime.ApplicationStarted.Register(() => Announce(admin.UserName!, passwordFile));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>24 characters from all four classes Identity asks for, from a CSPRNG.</summary>
    internal static string GeneratePassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnopqrstuvwxyz", digits = "23456789", symbols = "-_.!@#%+=";
        string all = upper + lower + digits + symbols;
        var chars = new char[24];
        chars[0] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[1] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[RandomNumberGenerator.GetInt32(symbols.Length)];
        for (int i = 4; i < chars.Length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }

        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    public const string PasswordFileName = "initial-admin-password.txt";

    /// <summary>Writes the password to KEYS/initial-admin-password.txt with mode 0600 (created, never overwritten) and returns the path.</summary>
    internal static string WritePasswordFile(string keysFolder, string password)
    {
        string path = Path.Combine(IdentityRegistration.PrivateFolder(keysFolder).FullName, PasswordFileName);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options))
        {
            writer.WriteLine(password);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // also when an old file existed
        }

        return path;
    }

    private void Announce(string userName, string? passwordFile)
    {
        string url = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? configuration["urls"] ?? "http://127.0.0.1:5080";
        var w = console.Writer;
        w.WriteLine();
        w.WriteLine("==================================================================");
        w.WriteLine(" TbScreen: first run, an admin account was created.");
        w.WriteLine($"   Sign in at  {url.TrimEnd('/')}{IdentityRegistration.SignInPath}");
        w.WriteLine($"   User name   {userName}");
        if (passwordFile is null)
        {
            w.WriteLine("   Password    the one set in TbScreen:Security:InitialAdminPassword");
            w.WriteLine("   Change it after signing in (Change password, beside your name).");
        }
        else
        {
            // Until it is changed, every page leads to the change page (PasswordChangeGate), the Users page too.
            w.WriteLine($"   Password    in {passwordFile} (readable by this service account only)");
            w.WriteLine("   You choose a new password at first sign-in; then delete that file.");
        }

        w.WriteLine("==================================================================");
        w.WriteLine();
        w.Flush();
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}
