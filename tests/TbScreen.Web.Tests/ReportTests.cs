using System.Net;
using System.Text.Json;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

/// <summary>
/// Models and Reports pages, and the report file endpoint, over a models folder of our own: the shipped bundles'
/// metadata and a hostile model card, plus report fixtures written here by the report contract
/// ({ tables: [ { title, columns, rows } ], summary?, modelVersion? } and SVG plots next to them).
/// </summary>
public sealed class ReportTests : IClassFixture<ReportTests.Host>
{
    private readonly Host _host;

    public ReportTests(Host host) => _host = host;

    [Fact]
    public async Task The_reports_api_lists_every_report_with_its_tables_plots_and_downloads()
    {
        using var auditor = await _host.ClientAsAsync(Roles.Auditor);
        var reports = JsonDocument.Parse(await auditor.GetStringAsync("/api/reports")).RootElement;

        var paths = reports.EnumerateArray().Select(r => r.GetProperty("path").GetString()).Order().ToList();
        Assert.Equal(
            ["alexnet/pruning.json", "alexnet/robustness.json", "evaluation/ensemble-pruned/robustness.json", "evaluation/robustness.json",
             "fairness/bias-experiment-seed2.json", "fairness/bias-experiment.json", "fairness/fairness.json", "fairness/shenzhen-test/fairness.json",
             "googlenet/pruning.json"],
            paths);
        var fairness = reports.EnumerateArray().Single(r => r.GetProperty("path").GetString() == "fairness/fairness.json");
        Assert.Equal("Sensitivity gap 0.04 (F vs M)", fairness.GetProperty("summary").GetString());
        Assert.Equal("0.91", fairness.GetProperty("tables")[0].GetProperty("rows")[0][1].GetString());
        Assert.Equal(["fairness/gap.svg"], fairness.GetProperty("plots").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("fairness/report.html", fairness.GetProperty("downloads").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("fairness/groups.csv", fairness.GetProperty("downloads").EnumerateArray().Select(p => p.GetString()));
    }

    /// <summary>Regression: every report showed every SVG of its folder, so pruning showed robustness plots and back.</summary>
    [Fact]
    public async Task Each_report_shows_only_its_own_plots_and_the_ensembles_reports_are_listed()
    {
        using var auditor = await _host.ClientAsAsync(Roles.Auditor);
        var reports = JsonDocument.Parse(await auditor.GetStringAsync("/api/reports")).RootElement.EnumerateArray().ToList();
        string[] Plots(string path) => reports.Single(r => r.GetProperty("path").GetString() == path)
            .GetProperty("plots").EnumerateArray().Select(p => p.GetString()!).ToArray();
        string Owner(string path) => reports.Single(r => r.GetProperty("path").GetString() == path).GetProperty("owner").GetString()!;
        string Kind(string path) => reports.Single(r => r.GetProperty("path").GetString() == path).GetProperty("kind").GetString()!;

        Assert.Equal(["alexnet/pruning.svg"], Plots("alexnet/pruning.json"));
        Assert.Equal(["alexnet/robustness-accuracy.svg"], Plots("alexnet/robustness.json"));
        Assert.Equal(["evaluation/robustness-accuracy.svg"], Plots("evaluation/robustness.json"));
        Assert.Equal("ensemble", Owner("evaluation/robustness.json"));
        Assert.Equal("ensemble-pruned", Owner("evaluation/ensemble-pruned/robustness.json"));
        Assert.Equal(["fairness/bias-accuracy.svg"], Plots("fairness/bias-experiment.json"));
        Assert.Empty(Plots("fairness/bias-experiment-seed2.json"));
        Assert.Equal(["fairness/gap.svg"], Plots("fairness/fairness.json"));
        Assert.Equal("bias-experiment", Kind("fairness/bias-experiment-seed2.json"));
        Assert.Equal("bias-experiment", Kind("fairness/bias-experiment.json"));

        using var file = await auditor.GetAsync("/api/reports/files/evaluation/ensemble-pruned/robustness.json");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
    }

    [Fact]
    public async Task An_audit_in_a_fairness_subfolder_is_its_own_report_and_every_ensemble_definition_is_served()
    {
        using var auditor = await _host.ClientAsAsync(Roles.Auditor);
        var reports = JsonDocument.Parse(await auditor.GetStringAsync("/api/reports")).RootElement.EnumerateArray().ToList();

        var audit = reports.Single(r => r.GetProperty("path").GetString() == "fairness/shenzhen-test/fairness.json");
        Assert.Equal(("fairness", "fairness/shenzhen-test"), (audit.GetProperty("kind").GetString(), audit.GetProperty("owner").GetString()));
        Assert.Equal(["fairness/shenzhen-test/rates-sex.svg"], audit.GetProperty("plots").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("fairness/shenzhen-test/groups.csv", audit.GetProperty("downloads").EnumerateArray().Select(p => p.GetString()));
        // The root audit does not take the subfolder's plot.
        Assert.DoesNotContain("fairness/shenzhen-test/rates-sex.svg", reports.Single(r => r.GetProperty("path").GetString() == "fairness/fairness.json")
            .GetProperty("plots").EnumerateArray().Select(p => p.GetString()));
        using var plot = await auditor.GetAsync("/api/reports/files/fairness/shenzhen-test/rates-sex.svg");
        Assert.Equal(HttpStatusCode.OK, plot.StatusCode);
        using var definition = await auditor.GetAsync("/api/reports/files/ensemble-3.json");
        Assert.Equal(HttpStatusCode.OK, definition.StatusCode);
        using var weights = await auditor.GetAsync("/api/reports/files/alexnet/model.onnx");
        Assert.Equal(HttpStatusCode.NotFound, weights.StatusCode);
    }

    [Fact]
    public async Task The_reports_page_renders_tables_plots_downloads_and_a_comparison_across_versions()
    {
        using var auditor = await _host.ClientAsAsync(Roles.Auditor);
        string html = await auditor.GetStringAsync("/reports");

        Assert.Contains("Sensitivity gap 0.04 (F vs M)", html);
        Assert.Contains(">0.91<", html);
        Assert.Contains("src=\"api/reports/files/fairness/gap.svg\"", html);
        Assert.Contains("href=\"api/reports/files/fairness/report.html\"", html);
        Assert.Contains("Compare pruning reports", html);
        Assert.Contains("alexnet@1.0.0-pruned", html);
        Assert.Contains("googlenet@1.0.0-pruned", html);
        Assert.Contains("Compare bias-experiment reports", html); // two seeds of the same experiment
    }

    [Fact]
    public async Task The_models_page_renders_the_card_as_text_never_as_markup()
    {
        using var clinician = await _host.ClientAsAsync(Roles.Clinician);
        string html = await clinician.GetStringAsync("/models");

        Assert.Contains("Model card of the fixture", html);
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("&lt;script&gt;alert", html);
        Assert.DoesNotContain("javascript:", html);
        Assert.Contains("0.2932", html); // alexnet's operating threshold from metadata.json (2.0.0)
        Assert.Contains("0.9000 (0.8000, 1.0000)", html); // evaluation/metrics.json: AUC with its CI
        Assert.Contains(">0.1250<", html); // flaggedRate
        Assert.Contains("on 39 TB and 36 normal val cases from shenzhen", html);
        Assert.Contains("5-fold check of the rule", html);
        Assert.Contains("out-of-fold sensitivity <strong>0.872</strong>, specificity 0.833; fold thresholds 0.761 to 0.878", html);
        Assert.Contains("carried over unchanged from ensemble-fp32.json (SHA-256 0a1b), the float32 ensemble these members quantise", html);
        Assert.Contains("target was raised from 0.90 to 0.91 so that, judged fold by fold with the threshold chosen on the other folds, it still catches 0.90 of the TB cases.", html);
        Assert.Contains("Each member scores the image and 8 geometric views of it and averages them (test-time augmentation): the threshold applies to that average, and each image costs 9 runs of every member.", html);
    }

    [Fact]
    public async Task The_models_page_shows_each_bundles_pruning_and_robustness_tables_with_it()
    {
        using var clinician = await _host.ClientAsAsync(Roles.Clinician);
        string html = await clinician.GetStringAsync("/models");

        // alexnet's section holds its own two reports; googlenet's only its pruning report.
        string alexnet = Section(html, "alexnet");
        Assert.Contains("data-report=\"alexnet/pruning.json\"", alexnet);
        Assert.Contains("data-report=\"alexnet/robustness.json\"", alexnet);
        Assert.Contains(">Noise<", alexnet); // the robustness fixture's table title
        Assert.Contains(">2%<", alexnet);
        string googlenet = Section(html, "googlenet");
        Assert.Contains("data-report=\"googlenet/pruning.json\"", googlenet);
        Assert.DoesNotContain("robustness.json", googlenet);
    }

    [Fact]
    public async Task The_models_page_lists_the_lung_bundle_as_a_segmentation_bundle_with_its_terms()
    {
        using var clinician = await _host.ClientAsAsync(Roles.Clinician);
        string html = await clinician.GetStringAsync("/models");
        var api = JsonDocument.Parse(await clinician.GetStringAsync("/api/models")).RootElement;

        string lungs = Section(html, "lungs");
        Assert.Contains("data-task=\"segmentation\"", lungs);
        Assert.Contains("dice-mean", lungs);
        Assert.Contains("CC BY-NC-SA 4.0", lungs);
        Assert.Contains(api.EnumerateArray(), b => b.GetProperty("name").GetString() == "lungs" && b.GetProperty("error").ValueKind == JsonValueKind.Null);
        Assert.DoesNotContain("data-task", Section(html, "alexnet"));
    }

    internal static string Section(string html, string bundle)
    {
        int start = html.IndexOf($"data-bundle=\"{bundle}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section for {bundle}");
        // Up to the next bundle's section (report tables nest sections of their own).
        int next = html.IndexOf("data-bundle=\"", start + 1, StringComparison.Ordinal);
        return html[start..(next < 0 ? html.Length : next)];
    }

    [Theory]
    [InlineData("fairness/gap.svg", HttpStatusCode.OK)]
    [InlineData("alexnet/pruning.json", HttpStatusCode.OK)]
    [InlineData("alexnet/model.onnx", HttpStatusCode.NotFound)]
    [InlineData("split.csv", HttpStatusCode.NotFound)]
    [InlineData("fairness/../split.csv", HttpStatusCode.NotFound)]
    [InlineData("fairness/linked.svg", HttpStatusCode.NotFound)]
    [InlineData("fairness/.hidden.svg", HttpStatusCode.NotFound)]
    public async Task The_file_endpoint_serves_only_listed_report_files(string path, HttpStatusCode expected)
    {
        using var clinician = await _host.ClientAsAsync(Roles.Clinician);
        var response = await clinician.GetAsync("/api/reports/files/" + path);
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Contains("sandbox", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    [Fact]
    public async Task Html_reports_download_as_attachments_and_svg_is_served_as_an_image()
    {
        using var auditor = await _host.ClientAsAsync(Roles.Auditor);
        var html = await auditor.GetAsync("/api/reports/files/fairness/report.html");
        Assert.Equal("attachment", html.Content.Headers.ContentDisposition?.DispositionType);
        var svg = await auditor.GetAsync("/api/reports/files/fairness/gap.svg");
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
    }

    public sealed class Host() : TbScreenApiFactory(
        Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")), deleteOnDispose: true, models: BuildModels())
    {
        private static string BuildModels()
        {
            string models = Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", "models-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(models);
            // The shipped definition plus a threshold record as calibrate-ensemble writes it.
            var definition = TbScreen.Inference.Ensembles.EnsembleDefinition.Load(RepositoryPaths.Models) with
            {
                ThresholdSelection = new TbScreen.Inference.Ensembles.ThresholdProvenance
                {
                    TargetSensitivity = 0.91, Sources = ["shenzhen"], Positives = 39, Negatives = 36, Sensitivity = 0.923, Specificity = 0.806,
                    Folds = 5, Seed = 1, OutOfFoldSensitivity = 0.872, OutOfFoldSpecificity = 0.833, FoldThresholds = [0.7606, 0.8781, 0.8195],
                    CarriedFrom = "ensemble-fp32.json (SHA-256 0a1b)", HeldAcrossFolds = 0.9,
                },
                TestTimeAugmentation = TbScreen.Inference.Ensembles.TestTimeAugmentation.Standard,
            };
            File.WriteAllText(Path.Combine(models, "ensemble.json"), System.Text.Json.JsonSerializer.Serialize(definition, TbScreen.Inference.Bundles.BundleJson.Options));
            File.WriteAllText(Path.Combine(models, "split.csv"), "patient,split\n");
            foreach (string bundle in new[] { "alexnet", "googlenet" })
            {
                string folder = Directory.CreateDirectory(Path.Combine(models, bundle)).FullName;
                File.Copy(Path.Combine(RepositoryPaths.Models, bundle, "metadata.json"), Path.Combine(folder, "metadata.json"));
                // The weights by link: the host loads them, the catalog must never offer them.
                File.CreateSymbolicLink(Path.Combine(folder, "model.onnx"), Path.Combine(RepositoryPaths.Models, bundle, "model.onnx"));
                if (File.Exists(Path.Combine(RepositoryPaths.Models, bundle, "ood.json")))
                {
                    File.Copy(Path.Combine(RepositoryPaths.Models, bundle, "ood.json"), Path.Combine(folder, "ood.json")); // named by hash in metadata.json
                }
                File.WriteAllText(Path.Combine(folder, "pruning.json"), Report($"{bundle}@1.0.0-pruned", "Sparsity", ["sparsity", "auc"], [["0.5", "0.97"]]));
            }

            // The segmentation bundle (models/lungs) beside the classifiers: listed, never loaded as an ensemble member.
            string lungs = Directory.CreateDirectory(Path.Combine(models, "lungs")).FullName;
            foreach (string file in new[] { "metadata.json", "README.md" })
            {
                File.Copy(Path.Combine(RepositoryPaths.Models, "lungs", file), Path.Combine(lungs, file));
            }

            File.CreateSymbolicLink(Path.Combine(lungs, "model.onnx"), Path.Combine(RepositoryPaths.Models, "lungs", "model.onnx"));

            File.WriteAllText(Path.Combine(models, "alexnet", "README.md"),
                "# Model card of the fixture\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2))\n");
            File.WriteAllText(Path.Combine(models, "alexnet", "robustness.json"), Report("alexnet@1.0.0", "Noise", ["sigma", "flip rate"], [["0.1", "2%"]]));
            File.WriteAllText(Path.Combine(models, "alexnet", "pruning.svg"), Svg);
            File.WriteAllText(Path.Combine(models, "alexnet", "robustness-accuracy.svg"), Svg);
            string evaluation = Directory.CreateDirectory(Path.Combine(models, "evaluation")).FullName;
            File.WriteAllText(Path.Combine(evaluation, "robustness.json"), Report("alexnet@1.0.0+googlenet@1.0.0", "PGD", ["eps", "accuracy"], [["1/255", "0.5"]]));
            File.WriteAllText(Path.Combine(evaluation, "robustness-accuracy.svg"), Svg);
            string pruned = Directory.CreateDirectory(Path.Combine(evaluation, "ensemble-pruned")).FullName;
            File.WriteAllText(Path.Combine(pruned, "robustness.json"), Report("alexnet-pruned@1.0.0+googlenet@1.0.0", "PGD", ["eps", "accuracy"], [["1/255", "0.4"]]));
            File.WriteAllText(Path.Combine(evaluation, "metrics.json"), JsonSerializer.Serialize(new
            {
                n = 40,
                flaggedRate = 0.125,
                models = new { alexnet = new { auc = 0.9, aucCi = new[] { 0.8, 1.0 }, sensitivity = 0.75 } },
                ensemble = new { auc = 0.95, threshold = 0.5 },
            }));
            string fairness = Directory.CreateDirectory(Path.Combine(models, "fairness")).FullName;
            File.WriteAllText(Path.Combine(fairness, "fairness.json"),
                Report("alexnet@1.0.0+googlenet@1.0.0", "Sensitivity by sex", ["group", "sensitivity"], [["F", "0.91"], ["M", "0.95"]], "Sensitivity gap 0.04 (F vs M)"));
            File.WriteAllText(Path.Combine(fairness, "report.html"), "<html><body>report</body></html>");
            File.WriteAllText(Path.Combine(fairness, "groups.csv"), "group,sensitivity\nF,0.91\n");
            File.WriteAllText(Path.Combine(fairness, "gap.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>");
            File.WriteAllText(Path.Combine(fairness, "bias-experiment.json"), Report("alexnet@bias", "Label bias", ["q", "accuracy"], [["0.2", "0.85"]]));
            File.WriteAllText(Path.Combine(fairness, "bias-experiment-seed2.json"), Report("alexnet@bias-seed2", "Label bias", ["q", "accuracy"], [["0.2", "0.86"]]));
            File.WriteAllText(Path.Combine(fairness, "bias-accuracy.svg"), Svg);
            File.WriteAllText(Path.Combine(fairness, ".hidden.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
            File.CreateSymbolicLink(Path.Combine(fairness, "linked.svg"), Path.Combine(models, "split.csv"));
            string shenzhen = Directory.CreateDirectory(Path.Combine(fairness, "shenzhen-test")).FullName;
            File.WriteAllText(Path.Combine(shenzhen, "fairness.json"),
                Report("alexnet@1.0.0+googlenet@1.0.0", "Sensitivity by sex", ["group", "sensitivity"], [["F", "1.00"], ["M", "0.93"]], "Shenzhen test split"));
            File.WriteAllText(Path.Combine(shenzhen, "groups.csv"), "group,sensitivity\nF,1.00\n");
            File.WriteAllText(Path.Combine(shenzhen, "rates-sex.svg"), Svg);
            File.WriteAllText(Path.Combine(models, "ensemble-3.json"), "{ \"members\": [] }");
            return models;
        }

        private const string Svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";

        private static string Report(string version, string title, string[] columns, string[][] rows, string? summary = null) =>
            JsonSerializer.Serialize(new { modelVersion = version, summary, tables = new[] { new { title, columns, rows } } });
    }
}
