using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence.Entities;
using TbScreen.Screening.Sites;

namespace TbScreen.Screening.Persistence;

/// <summary><see cref="ISiteProfileStore"/> over EF Core; each change and its audit event commit together.</summary>
public sealed class EfSiteProfileStore(IDbContextFactory<ScreeningDbContext> contexts) : ISiteProfileStore
{
    /// <summary>Runs before every screening (web): the sites and only their active versions, without the samples.</summary>
    public async Task<SiteProfiles> ActiveAsync(CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        var sites = await ctx.Sites.AsNoTracking().ToListAsync(cancellationToken);
        var active = await WithoutSamples(ctx.SiteProfiles.Where(p => ctx.Sites.Any(s => s.Id == p.SiteId && s.ActiveVersion == p.Version)))
            .ToListAsync(cancellationToken);
        foreach (var site in sites)
        {
            site.Profiles = active.Where(p => p.SiteId == site.Id).ToList();
        }

        return new(sites.Select(s => SiteRows.Details(s).Site).ToArray());
    }

    public async Task<IReadOnlyList<SiteDetails>> SitesAsync(CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        var sites = await ctx.Sites.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var profiles = await WithoutSamples(ctx.SiteProfiles).ToListAsync(cancellationToken);
        foreach (var site in sites)
        {
            site.Profiles = profiles.Where(p => p.SiteId == site.Id).ToList();
        }

        return sites.Select(SiteRows.Details).ToArray();
    }

    public async Task<SiteDetails?> GetSiteAsync(string name, CancellationToken cancellationToken = default) =>
        (await SitesAsync(cancellationToken)).FirstOrDefault(s => string.Equals(s.Site.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    public async Task<SiteDetails> CreateSiteAsync(string name, IReadOnlyList<SiteRule> rules, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        name = name.Trim();
        await using var ctx = contexts.CreateDbContext();
        await using var tx = await ctx.Database.BeginTransactionAsync(cancellationToken);
        var existing = await ctx.Sites.AsNoTracking().ToListAsync(cancellationToken);
        if (existing.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new SiteConflictException($"site '{name}' already exists");
        }

        foreach (var other in existing)
        {
            // One rule, one site: otherwise which profile decides an image would depend on the sites' names.
            if (SiteRows.Rules(other.RulesJson).FirstOrDefault(r => rules.Any(n => n.Kind == r.Kind && n.Matches(r.Value))) is { } taken)
            {
                throw new SiteConflictException($"rule '{taken}' already belongs to site '{other.Name}'");
            }
        }

        var now = DateTime.UtcNow;
        var site = new Site { Name = name, RulesJson = SiteRows.RulesJson(rules), CreatedBy = actor, CreatedAt = now };
        ctx.Sites.Add(site);
        Audit(ctx, actor, "site.create", name, rules.Count == 0 ? "no rules" : string.Join("; ", rules), now);
        await ctx.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return SiteRows.Details(site);
    }

    public async Task<SiteProfile> ProposeAsync(string site, SiteCalibrationRecord calibration, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        await using var ctx = contexts.CreateDbContext();
        await using var tx = await ctx.Database.BeginTransactionAsync(cancellationToken);
        var row = await FindAsync(ctx, site, cancellationToken, tracked: true) ?? throw new UnknownSiteException(site, "does not exist");
        var r = calibration.Result;
        var now = DateTime.UtcNow;
        var version = new SiteProfileVersion
        {
            SiteId = row.Id,
            Version = row.Profiles.Count == 0 ? 1 : row.Profiles.Max(p => p.Version) + 1,
            Threshold = r.Threshold,
            TargetSensitivity = r.TargetSensitivity,
            Sensitivity = r.Sensitivity,
            SensitivityLow = r.SensitivityCi?[0],
            SensitivityHigh = r.SensitivityCi?[1],
            Specificity = r.Specificity,
            SpecificityLow = r.SpecificityCi?[0],
            SpecificityHigh = r.SpecificityCi?[1],
            Positives = r.Positives,
            Negatives = r.Negatives,
            SampleSha256 = calibration.Sample.Sha256(),
            SampleSource = calibration.SampleSource,
            SampleJson = SiteRows.SampleJson(calibration.Sample),
            Replicates = r.Replicates,
            Seed = r.Seed,
            WarningsJson = JsonSerializer.Serialize(r.Warnings),
            CreatedBy = actor,
            CreatedAt = now,
        };
        row.Profiles.Add(version);
        Audit(ctx, actor, "site.calibrate", $"{row.Name} v{version.Version}", string.Create(CultureInfo.InvariantCulture,
            $"proposed threshold {r.Threshold:0.####} for sensitivity {r.TargetSensitivity:0.###} on {r.Positives} positives and {r.Negatives} negatives from {calibration.SampleSource}, sample sha256 {version.SampleSha256}"), now);
        await ctx.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return SiteRows.Profile(row, version);
    }

    public async Task<SiteProfile> ApproveAsync(string site, int version, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        await using var ctx = contexts.CreateDbContext();
        await using var tx = await ctx.Database.BeginTransactionAsync(cancellationToken);
        var row = await FindAsync(ctx, site, cancellationToken, tracked: true) ?? throw new UnknownSiteException(site, "does not exist");
        var profile = row.Profiles.FirstOrDefault(p => p.Version == version)
            ?? throw new KeyNotFoundException($"site '{row.Name}' has no profile version {version}");
        var now = DateTime.UtcNow;
        int? previous = row.ActiveVersion;
        row.ActiveVersion = version;
        profile.ApprovedBy ??= actor;
        profile.ApprovedAt ??= now;
        Audit(ctx, actor, "site.approve", $"{row.Name} v{version}", string.Create(CultureInfo.InvariantCulture,
            $"threshold {profile.Threshold:0.####} is now active{(previous is int p && p != version ? $" (was v{p})" : "")}"), now);
        await ctx.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return SiteRows.Profile(row, profile);
    }

    public async Task<SiteSample> ReviewedSampleAsync(string site, CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        var row = (await ctx.Sites.AsNoTracking().ToListAsync(cancellationToken))
            .FirstOrDefault(s => string.Equals(s.Name, site.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new UnknownSiteException(site, "does not exist");
        var results = await ctx.Results.AsNoTracking()
            .Where(r => r.SiteName == row.Name && r.EnsembleProbability != null && r.Reviews.Any())
            .Select(r => new { Score = r.EnsembleProbability!.Value, Label = r.Reviews.OrderByDescending(v => v.Id).Select(v => v.FinalLabel ?? v.Read).First() })
            .ToListAsync(cancellationToken);
        // Indeterminate reads are no reference: only tb and not-tb label a case.
        return new SiteSample(results
            .Where(r => r.Label is DecisionText.Tb or DecisionText.NotTb)
            .Select(r => new LabelledScore(r.Score, r.Label == DecisionText.Tb))
            .ToArray());
    }

    public async Task<SiteSample?> SampleAsync(string site, int version, CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        var row = await FindAsync(ctx, site, cancellationToken);
        return row?.Profiles.FirstOrDefault(p => p.Version == version) is { } profile ? SiteRows.Sample(profile.SampleJson) : null;
    }

    private static async Task<Site?> FindAsync(ScreeningDbContext ctx, string name, CancellationToken cancellationToken, bool tracked = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        IQueryable<Site> sites = ctx.Sites.Include(s => s.Profiles);
        if (!tracked)
        {
            sites = sites.AsNoTracking();
        }

        // Names are few; matching in memory keeps case-insensitivity identical on SQLite and PostgreSQL.
        var all = await sites.ToListAsync(cancellationToken);
        return all.FirstOrDefault(s => string.Equals(s.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Versions without their samples (scores of every calibration case): lists and decisions never need them.</summary>
    private static IQueryable<SiteProfileVersion> WithoutSamples(IQueryable<SiteProfileVersion> profiles) =>
        profiles.AsNoTracking().Select(p => new SiteProfileVersion
        {
            Id = p.Id,
            SiteId = p.SiteId,
            Version = p.Version,
            Threshold = p.Threshold,
            TargetSensitivity = p.TargetSensitivity,
            Sensitivity = p.Sensitivity,
            SensitivityLow = p.SensitivityLow,
            SensitivityHigh = p.SensitivityHigh,
            Specificity = p.Specificity,
            SpecificityLow = p.SpecificityLow,
            SpecificityHigh = p.SpecificityHigh,
            Positives = p.Positives,
            Negatives = p.Negatives,
            SampleSha256 = p.SampleSha256,
            SampleSource = p.SampleSource,
            SampleJson = "",
            Replicates = p.Replicates,
            Seed = p.Seed,
            WarningsJson = p.WarningsJson,
            CreatedBy = p.CreatedBy,
            CreatedAt = p.CreatedAt,
            ApprovedBy = p.ApprovedBy,
            ApprovedAt = p.ApprovedAt,
        });

    private static void Audit(ScreeningDbContext ctx, string actor, string action, string target, string detail, DateTime at) =>
        ctx.AuditEvents.Add(new AuditEvent { At = at, Actor = actor, Action = action, Target = target, Detail = detail });
}
