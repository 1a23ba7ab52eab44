using TbScreen.Audit;
using TbScreen.Screening.Monitoring;

namespace TbScreen.Screening.Tests.Monitoring;

public sealed class DriftMonitorTests
{
    // 0.00, 0.01, ..., 0.99: decile edges 0.1, 0.2, ..., 0.9, each bin a share of 0.1.
    private static readonly ReferenceScores Reference = new() { Scores = Enumerable.Range(0, 100).Select(i => i / 100.0).ToArray() };
    private static readonly ReferenceSummary Summary = new("reference-scores.json", 100, null, null);
    private static readonly DateTime Tuesday = new(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_period_like_the_reference_has_no_drift_and_its_rates_are_counted()
    {
        // Four results inside each decile bin (0.055, 0.155, ...): PSI 0. The largest CDF gap is 0.06 (at 0.05: 6/100
        // of the reference against 0/40; again at 0.15: 16/100 against 4/40).
        var rows = Enumerable.Range(0, 40).Select(i => Row(Tuesday, "North", (i % 10) / 10.0 + 0.055,
            decision: i < 4 ? "tb" : "not-tb",
            flag: i < 2 ? "uncertain+unfamiliar" : i < 10 ? "disagreement" : "none")).ToArray();
        var period = Single(DriftMonitor.Compute(rows, Reference, Summary, new MonitoringOptions()));

        Assert.Equal((new DateOnly(2026, 11, 30), 40), (period.Start, period.N)); // the ISO week starts on Monday
        Assert.Equal(0, period.Psi!.Value, 12);
        Assert.Equal(0.06, period.Ks!.Value, 12);
        Assert.Equal((0.1, 0.25, 0.05), (period.PositiveRate, period.FlaggedRate, period.UnfamiliarRate));
        Assert.Empty(period.Alerts);
        Assert.Null(period.Note);
    }

    [Fact]
    public void A_site_sending_negatives_gets_the_inverted_rate_and_an_alert_without_any_reference()
    {
        // Ten results, three flagged inverted (one with another reason too): 0.3 > 0.05 with 3 of them, so an alert even
        // though no reference exists and the period is under MinimumCases.
        var rows = Enumerable.Range(0, 10).Select(i => Row(Tuesday, "North", 0.5,
            flag: i == 0 ? "unfamiliar+inverted" : i < 3 ? "inverted" : i == 3 ? "disagreement" : "none")).ToArray();
        var period = Single(DriftMonitor.Compute(rows, null, Summary, new MonitoringOptions()));

        Assert.Equal((0.3, 0.4, 0.1), (period.InvertedRate, period.FlaggedRate, period.UnfamiliarRate));
        Assert.Equal(["inverted 3 of 10 (0.300) > 0.05: check the export"], period.Alerts);

        // Two inverted films are never enough, and the limit is strict and comes from the options.
        Assert.Empty(Single(DriftMonitor.Compute(rows[1..], null, Summary, new MonitoringOptions { InvertedAlert = 0.01 })).Alerts);
        Assert.Empty(Single(DriftMonitor.Compute(rows, null, Summary, new MonitoringOptions { InvertedAlert = 0.3 })).Alerts);
    }

    [Fact]
    public void A_shifted_period_passes_both_limits_and_alerts()
    {
        // Every score at 0.95 (the last bin, reference share 0.1): PSI = 9 (1e-4 − 0.1) ln(1e-4 / 0.1) + (1 − 0.1) ln(1 / 0.1);
        // KS: at 0.94 the reference CDF is 0.95, the current 0.
        var rows = Enumerable.Range(0, 30).Select(_ => Row(Tuesday, "North", 0.95)).ToArray();
        var period = Single(DriftMonitor.Compute(rows, Reference, Summary, new MonitoringOptions()));

        double psi = 9 * (1e-4 - 0.1) * Math.Log(1e-4 / 0.1) + 0.9 * Math.Log(10);
        Assert.Equal(psi, period.Psi!.Value, 10);
        Assert.Equal(0.95, period.Ks!.Value, 12);
        Assert.Equal(["PSI 8.283 > 0.25", "KS 0.950 > 0.2"], period.Alerts);
    }

    [Fact]
    public void The_limits_are_strict_and_come_from_the_options()
    {
        var rows = Enumerable.Range(0, 30).Select(_ => Row(Tuesday, "North", 0.95)).ToArray();
        double psi = 9 * (1e-4 - 0.1) * Math.Log(1e-4 / 0.1) + 0.9 * Math.Log(10);
        Assert.Empty(Single(DriftMonitor.Compute(rows, Reference, Summary, new MonitoringOptions { PsiAlert = 9, KsAlert = 0.95 })).Alerts);
        Assert.Equal(["PSI 8.283 > 8"], Single(DriftMonitor.Compute(rows, Reference, Summary, new MonitoringOptions { PsiAlert = 8, KsAlert = 0.96 })).Alerts);
        Assert.True(psi > 8 && psi < 9);
    }

    [Fact]
    public void Small_periods_and_a_missing_reference_get_no_drift_numbers_but_a_note()
    {
        var few = Enumerable.Range(0, 5).Select(_ => Row(Tuesday, "North", 0.95)).ToArray();
        var small = Single(DriftMonitor.Compute(few, Reference, Summary, new MonitoringOptions()));
        Assert.Equal((null, null, "5 results, under the 30 needed for drift statistics"), (small.Psi, small.Ks, small.Note));
        Assert.Empty(small.Alerts);
        var none = Single(DriftMonitor.Compute(few, null, new ReferenceSummary(null, 0, null, "missing"), new MonitoringOptions { MinimumCases = 1 }));
        Assert.Equal("no validation reference: drift not computed", none.Note);
    }

    [Fact]
    public void Results_are_grouped_by_site_and_day_and_the_inputs_counted()
    {
        var rows = new[]
        {
            Row(Tuesday, "South", 0.1, manufacturer: "Acme", size: (2048, 2500), bits: 12, photometric: "MONOCHROME2"),
            Row(Tuesday.AddHours(3), "South", 0.2, manufacturer: "Acme", size: (2048, 2500), bits: 12, photometric: "MONOCHROME1"),
            Row(Tuesday.AddDays(1), "South", 0.3),
            Row(Tuesday, null, 0.4, manufacturer: "Other"),
        };
        var report = DriftMonitor.Compute(rows, Reference, Summary, new MonitoringOptions { Period = MonitoringPeriods.Day });

        Assert.Equal(["(no site)", "South"], report.Sites.Select(s => s.Site));
        var south = report.Sites[1].Periods;
        Assert.Equal([(new DateOnly(2026, 12, 1), 2), (new DateOnly(2026, 12, 2), 1)], south.Select(p => (p.Start, p.N)));
        Assert.Equal(new Dictionary<string, int> { ["Acme"] = 2 }, south[0].Inputs.Manufacturers);
        Assert.Equal(new Dictionary<string, int> { ["2500x2048"] = 2 }, south[0].Inputs.Sizes);
        Assert.Equal(new Dictionary<string, int> { ["12"] = 2 }, south[0].Inputs.BitsStored);
        Assert.Equal(new Dictionary<string, int> { ["MONOCHROME1"] = 1, ["MONOCHROME2"] = 1 }, south[0].Inputs.Photometric);
        Assert.Equal(new Dictionary<string, int> { ["unknown"] = 1 }, south[1].Inputs.Manufacturers);
    }

    private static PeriodMonitoring Single(MonitoringReport report) => Assert.Single(Assert.Single(report.Sites).Periods);

    private static MonitoredResult Row(DateTime at, string? site, double score, string decision = "not-tb", string flag = "none",
        string? manufacturer = null, (int Rows, int Columns)? size = null, int? bits = null, string? photometric = null) =>
        new(at, site, score, decision, flag, manufacturer, size?.Rows, size?.Columns, bits, photometric);
}
