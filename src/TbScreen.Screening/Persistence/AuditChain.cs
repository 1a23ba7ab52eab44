using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence.Entities;

namespace TbScreen.Screening.Persistence;

/// <summary>The first broken link of the audit chain, or null when it is intact.</summary>
public sealed record AuditChainBreak(long Id, long? Sequence, string Reason);

/// <summary>What a verification found.</summary>
public sealed record AuditChainReport(int Sealed, int Unsealed, AuditChainBreak? FirstBreak)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>
/// The audit trail's hash chain (issue 17). Rows are inserted as usual and then sealed in insertion order: each gets
/// the next place, the previous row's hash and SHA-256(place | id | time | actor | action | target | detail | previous
/// hash). A unique index on the place makes a racing sealer (another process) fail and retry rather than fork the
/// chain. On PostgreSQL sealers also take a transaction-scoped advisory lock, so they seal one at a time: the chain's
/// end and the unsealed rows are read in two statements, and two sealers numbering from different ends deadlocked
/// (40P01). <see cref="VerifyAsync"/> recomputes every link and reports the first that does not hold.
/// </summary>
public static class AuditChain
{
    private const int Attempts = 5;

    /// <summary>The advisory lock's key (any constant the database's other users do not take): "tbaudit" in ASCII.</summary>
    private const long SealLock = 0x74_62_61_75_64_69_74;

    public static async Task SealAsync(ScreeningDbContext ctx, CancellationToken cancellationToken = default)
    {
        if (!ctx.Database.IsNpgsql())
        {
            await SealUnlockedAsync(ctx, cancellationToken);
            return;
        }

        // Held until the transaction ends: the caller's, when there is one, or our own around the reads and the save.
        await using var own = ctx.Database.CurrentTransaction is null ? await ctx.Database.BeginTransactionAsync(cancellationToken) : null;
        await ctx.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({SealLock})", cancellationToken);
        await SealUnlockedAsync(ctx, cancellationToken);
        if (own is not null)
        {
            await own.CommitAsync(cancellationToken);
        }
    }

    private static async Task SealUnlockedAsync(ScreeningDbContext ctx, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            var last = await ctx.AuditEvents.AsNoTracking().Where(e => e.Sequence != null).OrderByDescending(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
            var open = await ctx.AuditEvents.Where(e => e.Sequence == null).OrderBy(e => e.Id).ToListAsync(cancellationToken);
            if (open.Count == 0)
            {
                return;
            }

            long sequence = last?.Sequence ?? 0;
            string previous = last?.Hash ?? "";
            foreach (var row in open)
            {
                row.Sequence = ++sequence;
                row.PrevHash = previous;
                row.Hash = HashOf(row);
                previous = row.Hash;
            }

            try
            {
                await ctx.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException e) when (UniqueViolation.Is(e) && attempt < Attempts)
            {
                // Another process sealed meanwhile: forget these places and chain after its rows.
                foreach (var entry in ctx.ChangeTracker.Entries<AuditEvent>())
                {
                    entry.State = EntityState.Detached;
                }
            }
        }
    }

    public static async Task<AuditChainReport> VerifyAsync(ScreeningDbContext ctx, CancellationToken cancellationToken = default)
    {
        int unsealed = await ctx.AuditEvents.CountAsync(e => e.Sequence == null, cancellationToken);
        string previous = "";
        long expected = 0;
        int count = 0;
        await foreach (var row in ctx.AuditEvents.AsNoTracking().Where(e => e.Sequence != null).OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            expected++;
            string? reason = row.Sequence != expected ? $"place {row.Sequence} where {expected} was expected (a row was removed or inserted)"
                : row.PrevHash != previous ? "its previous-hash does not match the row before it (a row was removed, inserted or edited)"
                : row.Hash != HashOf(row) ? "its contents do not match its hash (the row was edited)"
                : null;
            if (reason is not null)
            {
                return new AuditChainReport(count, unsealed, new AuditChainBreak(row.Id, row.Sequence, reason));
            }

            previous = row.Hash!;
            count++;
        }

        return new AuditChainReport(count, unsealed, null);
    }

    internal static string HashOf(AuditEvent row)
    {
        string at = DateTime.SpecifyKind(row.At, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        string text = string.Join('\u001f', row.Sequence?.ToString(CultureInfo.InvariantCulture), row.Id.ToString(CultureInfo.InvariantCulture), at,
            row.Actor, row.Action, row.Target ?? "\u0000", row.Detail ?? "\u0000", row.PrevHash ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
