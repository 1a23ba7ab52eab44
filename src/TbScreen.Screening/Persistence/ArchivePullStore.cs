using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence.Entities;

namespace TbScreen.Screening.Persistence;

/// <summary>An archive pull as the host sees it: what was asked, the studies (JSON), and where it stands.</summary>
public sealed record ArchivePullInfo(long Id, string Archive, string Criteria, string StartedBy, DateTime StartedAt, string StudiesJson, int Studies,
    int StudiesDone, int Received, int NotTaken, int Refused, string? Error, DateTime? FinishedAt, string Host)
{
    public bool Finished => FinishedAt is not null;
}

/// <summary>Where a pull stands after a study: its counts so far, an error, whether it ended.</summary>
public sealed record ArchivePullState(int StudiesDone, int Received, int NotTaken, int Refused, string? Error, bool Finished);

/// <summary>
/// The archive pulls of the dashboard and of `tbscreen pull --screen`, kept so that an interrupted one is resumed: by
/// the web host at its next start, or by `pull --resume`. Each host resumes only its own (<see cref="ArchivePull.Host"/>),
/// so a web host that starts while a command-line pull runs never pulls the same studies beside it.
/// </summary>
public sealed class ArchivePullStore(IDbContextFactory<ScreeningDbContext> contexts)
{
    public const string WebHost = "web";
    public const string CliHost = "cli";

    public async Task<ArchivePullInfo> CreateAsync(string archive, string criteria, string startedBy, string studiesJson, int studies, string host,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var row = new ArchivePull
        {
            Archive = archive,
            Criteria = criteria,
            StartedBy = startedBy,
            StartedAt = DateTime.UtcNow,
            StudiesJson = studiesJson,
            Studies = studies,
            Host = host,
        };
        ctx.ArchivePulls.Add(row);
        await ctx.SaveChangesAsync(cancellationToken);
        return ToInfo(row);
    }

    public async Task UpdateAsync(long id, ArchivePullState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        DateTime? finished = state.Finished ? DateTime.UtcNow : null;
        await ctx.ArchivePulls.Where(p => p.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.StudiesDone, state.StudiesDone)
            .SetProperty(p => p.Received, state.Received)
            .SetProperty(p => p.NotTaken, state.NotTaken)
            .SetProperty(p => p.Refused, state.Refused)
            .SetProperty(p => p.Error, state.Error)
            .SetProperty(p => p.FinishedAt, finished), cancellationToken);
    }

    /// <summary>The pulls of <paramref name="host"/> that have not finished (a restart or an interruption came in between), oldest first.</summary>
    public async Task<IReadOnlyList<ArchivePullInfo>> UnfinishedAsync(string host, CancellationToken cancellationToken = default)
    {
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await ctx.ArchivePulls.AsNoTracking().Where(p => p.FinishedAt == null && p.Host == host).OrderBy(p => p.Id).ToListAsync(cancellationToken);
        return rows.Select(ToInfo).ToList();
    }

    /// <summary>The newest pulls, newest first.</summary>
    public async Task<IReadOnlyList<ArchivePullInfo>> RecentAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await ctx.ArchivePulls.AsNoTracking().OrderByDescending(p => p.Id).Take(count).ToListAsync(cancellationToken);
        return rows.Select(ToInfo).ToList();
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static ArchivePullInfo ToInfo(ArchivePull p) => new(p.Id, p.Archive, p.Criteria, p.StartedBy, Utc(p.StartedAt), p.StudiesJson, p.Studies, p.StudiesDone,
        p.Received, p.NotTaken, p.Refused, p.Error, p.FinishedAt is { } finished ? Utc(finished) : null, p.Host);
}
