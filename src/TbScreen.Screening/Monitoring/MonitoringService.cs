using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TbScreen.Audit;
using TbScreen.Inference.Evaluation;
using TbScreen.Screening.Persistence;

namespace TbScreen.Screening.Monitoring;

/// <summary>Reads the screened results and the validation reference and hands them to <see cref="DriftMonitor"/>.</summary>
public sealed class MonitoringService
{
    private readonly IDbContextFactory<ScreeningDbContext> _contexts;
    private readonly MonitoringOptions _options;
    private readonly string _modelsDirectory;

    public MonitoringService(IDbContextFactory<ScreeningDbContext> contexts, MonitoringOptions options, string modelsDirectory)
    {
        _contexts = contexts ?? throw new ArgumentNullException(nameof(contexts));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _modelsDirectory = modelsDirectory ?? throw new ArgumentNullException(nameof(modelsDirectory));
    }

    /// <summary>The DI constructor: the reference is looked up under ScreeningOptions.ModelsDirectory.</summary>
    public MonitoringService(IDbContextFactory<ScreeningDbContext> contexts, IOptions<MonitoringOptions> options, IOptions<ScreeningOptions> screening)
        : this(contexts, options.Value, screening.Value.ModelsDirectory)
    {
    }

    public MonitoringOptions Options => _options;

    public string ReferencePath => Path.GetFullPath(_options.ReferenceFile, _modelsDirectory);

    /// <param name="site">Only this site (case-insensitive; "(no site)" for unassigned results); null for all.</param>
    /// <param name="since">Only results screened at or after this time (UTC); null for all.</param>
    public async Task<MonitoringReport> ReportAsync(string? site = null, DateTime? since = null, string? period = null, CancellationToken cancellationToken = default)
    {
        var options = period is null ? _options : new MonitoringOptions
        {
            PsiAlert = _options.PsiAlert, KsAlert = _options.KsAlert, MinimumCases = _options.MinimumCases, ReferenceFile = _options.ReferenceFile, Period = period,
        };
        MonitoringPeriods.Start(DateTime.UnixEpoch, options.Period); // refuses an unknown period before any query
        var (reference, summary) = LoadReference();
        var rows = await ResultsAsync(since, cancellationToken);
        if (site is not null)
        {
            rows = rows.Where(r => string.Equals(r.Site ?? SiteMonitoring.NoSite, site.Trim(), StringComparison.OrdinalIgnoreCase)).ToArray();
        }

        return DriftMonitor.Compute(rows, reference, summary, options);
    }

    private (ReferenceScores?, ReferenceSummary) LoadReference()
    {
        string path = ReferencePath;
        if (!File.Exists(path))
        {
            return (null, new ReferenceSummary(null, 0, null, $"{path} does not exist: make it with tbscreen monitor reference (docs/sites.md)"));
        }

        try
        {
            var reference = ReferenceScores.Read(path);
            return (reference, new ReferenceSummary(path, reference.Scores.Count, reference.ModelVersion, null));
        }
        catch (ManifestException e)
        {
            return (null, new ReferenceSummary(path, 0, null, e.Message));
        }
    }

    private async Task<IReadOnlyList<MonitoredResult>> ResultsAsync(DateTime? since, CancellationToken cancellationToken)
    {
        await using var ctx = _contexts.CreateDbContext();
        var query = ctx.Results.AsNoTracking().Where(r => r.Status == "ok" && r.EnsembleProbability != null);
        if (since is DateTime from)
        {
            query = query.Where(r => r.CreatedAt >= from);
        }

        // Scores, flags and de-identified input properties only: nothing here identifies a patient.
        var rows = await query.Select(r => new
        {
            r.CreatedAt,
            r.SiteName,
            Score = r.EnsembleProbability!.Value,
            r.Decision,
            r.Flag,
            Manufacturer = r.Image == null ? null : r.Image.Manufacturer,
            Rows = r.Image == null ? null : r.Image.Rows,
            Columns = r.Image == null ? null : r.Image.Columns,
            BitsStored = r.Image == null ? null : r.Image.BitsStored,
            Photometric = r.Image == null ? null : r.Image.PhotometricInterpretation,
        }).ToListAsync(cancellationToken);
        return rows.Select(r => new MonitoredResult(DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc), r.SiteName, r.Score, r.Decision, r.Flag,
            r.Manufacturer, r.Rows, r.Columns, r.BitsStored, r.Photometric)).ToArray();
    }
}
