using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;

namespace TbScreen.Web.Identity;

/// <summary>
/// Account changes are audited ahead of the change (write-ahead). Accounts live in Identity's own database context
/// and the audit trail in the screening database, so one transaction cannot hold both; writing the row first means
/// no change ever happens without its record (issue 17). A change that then fails gets a second row saying so.
/// </summary>
internal static class AccountAudit
{
    /// <summary>Records <paramref name="entry"/>, runs <paramref name="change"/> (null: done; else the user-facing reason it failed).</summary>
    public static async Task<string?> RunAsync(IScreeningStore store, AuditEntry entry, Func<Task<string?>> change, CancellationToken cancellationToken)
    {
        await store.RecordAsync(entry.Actor, entry.Action, entry.Target, entry.Detail, cancellationToken);
        string? error;
        try
        {
            error = await change();
        }
        catch (Exception e)
        {
            await store.RecordAsync(entry.Actor, AuditActions.AccountChangeFailed, entry.Target, $"{entry.Action}: {e.GetType().Name}", CancellationToken.None);
            throw;
        }

        if (error is not null)
        {
            await store.RecordAsync(entry.Actor, AuditActions.AccountChangeFailed, entry.Target, $"{entry.Action}: {error}", CancellationToken.None);
        }

        return error;
    }
}
