using System.Globalization;
using Microsoft.Extensions.Options;
using TbScreen.Audit;
using TbScreen.Inference.Metrics;
using TbScreen.Screening.Persistence;

namespace TbScreen.Screening.Sites;

/// <summary>A calibration that cannot be done with this input (no cases, one class, a bad target); the message says why.</summary>
public sealed class SiteCalibrationException(string message) : Exception(message);

/// <summary>
/// Calibrates a site from the radiologists' reviews of its worklist cases or from an uploaded labelled sample, and
/// stores the result as a new proposed profile version (<see cref="SiteCalibration"/>: the highest threshold reaching
/// the target sensitivity, seeded stratified bootstrap CIs). Both hosts use this one class.
/// </summary>
public sealed class SiteCalibrationService(ISiteProfileStore store, IOptions<SiteCalibrationOptions> options)
{
    public const string WorklistSource = "worklist";

    public SiteCalibrationOptions Options => options.Value;

    public async Task<SiteProfile> FromWorklistAsync(string site, double? targetSensitivity, string actor, CancellationToken cancellationToken = default)
    {
        var sample = await store.ReviewedSampleAsync(site, cancellationToken);
        return await ProposeAsync(site, sample, WorklistSource, targetSensitivity, actor, cancellationToken);
    }

    /// <summary>An uploaded predictions.csv or score,label CSV; throws <see cref="FormatException"/> naming the file.</summary>
    public Task<SiteProfile> FromCsvAsync(string site, string csv, string fileName, double? targetSensitivity, string actor, CancellationToken cancellationToken = default) =>
        ProposeAsync(site, SiteSample.ParseCsv(csv, fileName), $"upload:{fileName}", targetSensitivity, actor, cancellationToken);

    public Task<SiteProfile> ProposeAsync(string site, SiteSample sample, string source, double? targetSensitivity, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sample);
        double target = targetSensitivity ?? Options.DefaultTargetSensitivity;
        if (!double.IsFinite(target) || target is <= 0 or > 1)
        {
            throw new SiteCalibrationException(string.Create(CultureInfo.InvariantCulture, $"target sensitivity {target} must be in (0, 1]"));
        }

        if (sample.Cases.Count == 0)
        {
            throw new SiteCalibrationException(source == WorklistSource
                ? $"site '{site}' has no screened cases with a radiologist's final label tb or not-tb yet"
                : $"{source}: the sample has no cases");
        }

        SiteCalibrationResult result;
        try
        {
            result = SiteCalibration.Compute(sample.AsAuditCases(), target, Math.Max(10, Options.BootstrapReplicates), Options.BootstrapSeed);
        }
        catch (ArgumentException e)
        {
            throw new SiteCalibrationException($"{source}: {e.Message}");
        }

        return store.ProposeAsync(site, new SiteCalibrationRecord(result, sample, source), actor, cancellationToken);
    }

    /// <summary>The sample's ROC with the profile's operating point marked (the plot code of `tbscreen evaluate`).</summary>
    public static string RocSvg(SiteSample sample, SiteProfile profile)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(profile);
        var scored = new ScoredCases(sample.Cases.Select(c => c.Score).ToArray(), sample.Cases.Select(c => c.IsTb).ToArray());
        var series = new RocSeries($"{profile.Site} sample", RocCurve.Points(scored), DeLong.Auc(scored));
        string label = string.Create(CultureInfo.InvariantCulture, $"threshold {profile.Threshold:0.####}");
        return SvgPlots.Roc([series], $"{profile.Label}: local ROC, n = {sample.Cases.Count}", (1 - profile.Specificity, profile.Sensitivity, label));
    }
}
