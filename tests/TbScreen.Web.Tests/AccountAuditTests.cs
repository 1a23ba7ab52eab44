using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;
using TbScreen.Web.Identity;

namespace TbScreen.Web.Tests;

/// <summary>Issue 17 (Medium 7): account changes are audited ahead, so none happens without its record.</summary>
public sealed class AccountAuditTests : IDisposable
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), "tbscreen-account-audit-" + Guid.NewGuid().ToString("N") + ".db");
    private readonly ScreeningDbContextFactory _contexts;
    private readonly EfScreeningStore _store;

    public AccountAuditTests()
    {
        _contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = _db });
        _contexts.Migrate();
        _store = new EfScreeningStore(_contexts);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_db);
    }

    [Fact]
    public async Task When_the_audit_row_cannot_be_written_the_change_is_not_made()
    {
        await using (var ctx = _contexts.CreateDbContext())
        {
            await ctx.Database.ExecuteSqlRawAsync("CREATE TRIGGER refuse_audit BEFORE INSERT ON AuditEvents BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END;");
        }

        bool changed = false;
        await Assert.ThrowsAnyAsync<Exception>(() => AccountAudit.RunAsync(_store, new AuditEntry("admin", AuditActions.UserDisabled, "user/bob"),
            () => { changed = true; return Task.FromResult<string?>(null); }, CancellationToken.None));

        Assert.False(changed);
    }

    [Fact]
    public async Task A_change_that_fails_after_its_row_gets_a_second_row_with_the_reason()
    {
        string? error = await AccountAudit.RunAsync(_store, new AuditEntry("bob", AuditActions.OwnPasswordChanged, "user/bob"),
            () => Task.FromResult<string?>("The current password is wrong."), CancellationToken.None);
        await AccountAudit.RunAsync(_store, new AuditEntry("admin", AuditActions.UserRolesChanged, "user/bob", "radiologist"),
            () => Task.FromResult<string?>(null), CancellationToken.None);

        Assert.Equal("The current password is wrong.", error);
        var trail = (await _store.AuditTrailAsync(10)).Reverse().Select(a => (a.Actor, a.Action, a.Target, a.Detail)).ToArray();
        Assert.Equal(
        [
            ("bob", "user.password.own", "user/bob", null),
            ("bob", "user.change.failed", "user/bob", "user.password.own: The current password is wrong."),
            ("admin", "user.roles", "user/bob", "radiologist"),
        ], trail);
    }
}
