using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;

namespace TbScreen.Web.Identity;

public sealed record UserSummary(string Id, string UserName, IReadOnlyList<string> Roles, bool LockedOut, bool Disabled = false);

/// <summary>The admin's user management (page and API): create users, set roles and passwords; every change audited.</summary>
public sealed class UserAdministration(UserManager<TbScreenUser> users, IScreeningStore store)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var all = await users.Users.OrderBy(u => u.UserName).ToListAsync(cancellationToken);
        var list = new List<UserSummary>();
        foreach (var user in all)
        {
            var roles = await users.GetRolesAsync(user);
            list.Add(new UserSummary(user.Id, user.UserName!, roles.Order(StringComparer.Ordinal).ToList(), await users.IsLockedOutAsync(user), IsDisabled(user)));
        }

        return list;
    }

    /// <summary>Null on success, else the reasons (Identity's password rules, unknown roles, a taken name).</summary>
    public async Task<string?> CreateAsync(string userName, string password, IReadOnlyCollection<string> roles, string actor, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(userName))
        {
            return "Give a user name.";
        }

        if (roles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
        {
            return $"Unknown role '{unknown}'; roles are {string.Join(", ", Roles.All)}.";
        }

        var user = new TbScreenUser(userName.Trim());
        return await AccountAudit.RunAsync(store, new AuditEntry(actor, AuditActions.UserCreated, $"user/{user.UserName}", string.Join(",", roles)), async () =>
        {
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                return Describe(created);
            }

            var added = roles.Count > 0 ? await users.AddToRolesAsync(user, roles) : IdentityResult.Success;
            return added.Succeeded ? null : Describe(added);
        }, cancellationToken);
    }

    public async Task<string?> SetRolesAsync(string userName, IReadOnlyCollection<string> roles, string actor, CancellationToken cancellationToken = default)
    {
        if (roles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
        {
            return $"Unknown role '{unknown}'.";
        }

        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            return $"There is no user {userName}.";
        }

        var current = await users.GetRolesAsync(user);
        // Identity matches user names case-insensitively, so "ADMIN" is the same account as "admin" (issue 17).
        if (string.Equals(userName, actor, StringComparison.OrdinalIgnoreCase) && current.Contains(Roles.Admin) && !roles.Contains(Roles.Admin))
        {
            return "You cannot remove your own admin role (someone must be able to manage users).";
        }

        return await AccountAudit.RunAsync(store, new AuditEntry(actor, AuditActions.UserRolesChanged, $"user/{userName}", string.Join(",", roles)), async () =>
        {
            var removed = await users.RemoveFromRolesAsync(user, current.Except(roles));
            var added = removed.Succeeded ? await users.AddToRolesAsync(user, roles.Except(current)) : removed;
            if (!added.Succeeded)
            {
                return Describe(added);
            }

            await users.UpdateSecurityStampAsync(user); // open sessions pick up the new roles at their next check
            return null;
        }, cancellationToken);
    }

    public async Task<string?> SetPasswordAsync(string userName, string password, string actor, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            return $"There is no user {userName}.";
        }

        return await AccountAudit.RunAsync(store, new AuditEntry(actor, AuditActions.UserPasswordSet, $"user/{userName}"), async () =>
        {
            string token = await users.GeneratePasswordResetTokenAsync(user);
            var reset = await users.ResetPasswordAsync(user, token, password);
            if (!reset.Succeeded)
            {
                return Describe(reset);
            }

            if (!IsDisabled(user))
            {
                await users.SetLockoutEndDateAsync(user, null); // a new password lifts a lockout, not a disablement
            }

            return null;
        }, cancellationToken);
    }

    /// <summary>
    /// Disables (or enables again) an account: a lockout without end, and a new security stamp so that its open
    /// sessions end at their next check (cookies and dashboard circuits, within TbScreen:Security:RevalidateSeconds).
    /// </summary>
    public async Task<string?> SetEnabledAsync(string userName, bool enabled, string actor, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            return $"There is no user {userName}.";
        }

        if (!enabled && string.Equals(userName, actor, StringComparison.OrdinalIgnoreCase))
        {
            return "You cannot disable your own account.";
        }

        return await AccountAudit.RunAsync(store, new AuditEntry(actor, enabled ? AuditActions.UserEnabled : AuditActions.UserDisabled, $"user/{user.UserName}"), async () =>
        {
            await users.SetLockoutEnabledAsync(user, true);
            await users.SetLockoutEndDateAsync(user, enabled ? null : DateTimeOffset.MaxValue);
            await users.UpdateSecurityStampAsync(user);
            return null;
        }, cancellationToken);
    }

    private static bool IsDisabled(TbScreenUser user) => user.LockoutEnd is { } end && end.Year >= 9999;

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}
