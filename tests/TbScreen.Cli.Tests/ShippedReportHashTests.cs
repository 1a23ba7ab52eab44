using System.Text.Json.Nodes;
using TbScreen.Dicom.Tests.TestData;
using TbScreen.Inference.Bundles;

namespace TbScreen.Cli.Tests;

/// <summary>
/// Every shipped report that names the weights it measured (robustness.json, fairness.json of an audit that screened
/// the images itself, quantization-pgd.json, each bundle's metadata.json) names the model.onnx that is shipped beside
/// it (for an INT8 bundle, the one rebuilt from its recipe), so a retrained bundle cannot silently keep the old bundle's reports.
/// </summary>
public sealed class ShippedReportHashTests
{
    private static string ModelsDirectory => Path.Combine(SharedDicomData.RepositoryRoot, "models");

    [Fact]
    public void EveryShippedReportNamesTheShippedModelHashes()
    {
        var checkedReports = ReportHashes.Checked(ModelsDirectory);

        Assert.Empty(ReportHashes.Mismatches(ModelsDirectory));
        // The robustness reports of each shipped classifier (the optional ResNet-18 too), the pruned AlexNet and both ensembles, and the Shenzhen fairness audits of both shipped ensembles.
        Assert.Contains(Path.Combine("alexnet", "robustness.json"), checkedReports);
        Assert.Contains(Path.Combine("googlenet", "robustness.json"), checkedReports);
        Assert.Contains(Path.Combine("resnet18", "robustness.json"), checkedReports);
        Assert.Contains(Path.Combine("evaluation", "robustness.json"), checkedReports);
        Assert.Contains(Path.Combine("alexnet-pruned", "robustness.json"), checkedReports);
        Assert.Contains(Path.Combine("evaluation", "ensemble-pruned", "robustness.json"), checkedReports);
        Assert.Contains(Path.Combine("fairness", "shenzhen-test", "fairness.json"), checkedReports);
        Assert.Contains(Path.Combine("fairness", "shenzhen-test-ensemble-3", "fairness.json"), checkedReports);
        // PGD on float32 beside BPDA on INT8: both members of each ensemble, the INT8 ones by their rebuilt graphs.
        Assert.Contains(Path.Combine("evaluation", "quantization", "quantization-pgd.json"), checkedReports);
        Assert.Contains(Path.Combine("evaluation", "quantization", "ensemble-pruned", "quantization-pgd.json"), checkedReports);
        Assert.Contains(Path.Combine("evaluation", "quantization", "avx2", "quantization-pgd.json"), checkedReports);
        Assert.Contains(Path.Combine("evaluation", "quantization", "avx2", "ensemble-pruned", "quantization-pgd.json"), checkedReports);
    }

    [Fact]
    public void AReportOfOtherWeightsIsCaught()
    {
        string models = Directory.CreateTempSubdirectory("tbscreen-report-hash-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(models, "alexnet"));
            File.WriteAllBytes(Path.Combine(models, "alexnet", ModelBundle.OnnxFileName), [1, 2, 3]);
            string actual = ModelBundle.Sha256Of(Path.Combine(models, "alexnet", ModelBundle.OnnxFileName));
            string stale = new('0', 64);
            File.WriteAllText(Path.Combine(models, "alexnet", "robustness.json"),
                $$"""{ "checkpoints": [ { "bundle": "alexnet", "onnxSha256": "{{stale}}" } ] }""");
            Directory.CreateDirectory(Path.Combine(models, "audit"));
            File.WriteAllText(Path.Combine(models, "audit", "fairness.json"),
                $$"""{ "modelVersion": "ensemble of alexnet 1.0.0", "modelHashes": { "alexnet": "{{actual}}", "gone": "{{stale}}" } }""");
            File.WriteAllText(Path.Combine(models, "audit", "old-fairness.json"), """{ "modelVersion": "ensemble of alexnet 1.0.0" }""");

            var problems = ReportHashes.Mismatches(models);

            Assert.Equal(3, problems.Count);
            Assert.Contains(problems, p => p.Contains("robustness.json") && p.Contains(stale) && p.Contains(actual));
            Assert.Contains(problems, p => p.Contains("fairness.json") && p.Contains("gone") && p.Contains("no model.onnx"));
            Assert.Contains(problems, p => p.Contains("old-fairness.json") && p.Contains("modelHashes"));
        }
        finally
        {
            Directory.Delete(models, recursive: true);
        }
    }

    /// <summary>Reads the hashes that reports record and compares them with the bundles' model.onnx files.</summary>
    private static class ReportHashes
    {
        public static IReadOnlyList<string> Checked(string models) =>
            Reports(models).Where(r => Recorded(r.Json).Count > 0).Select(r => Path.GetRelativePath(models, r.Path)).ToList();

        public static IReadOnlyList<string> Mismatches(string models)
        {
            var problems = new List<string>();
            var hashes = new Dictionary<string, string?>();
            foreach (var (path, json) in Reports(models))
            {
                var recorded = Recorded(json);
                if (recorded.Count == 0 && json["modelVersion"] is not null && json["modelHashes"] is null)
                {
                    // An audit that screened the images itself must say which weights it screened with.
                    problems.Add($"{path}: names model version '{json["modelVersion"]}' but no modelHashes");
                }

                foreach (var (bundle, hash) in recorded)
                {
                    if (!hashes.TryGetValue(bundle, out string? actual))
                    {
                        string onnx = Path.Combine(models, bundle, ModelBundle.OnnxFileName);
                        hashes[bundle] = actual = File.Exists(onnx) ? ModelBundle.Sha256Of(onnx) : RebuiltInt8Hash(Path.Combine(models, bundle), problems);
                    }

                    if (actual is null)
                    {
                        problems.Add($"{path}: bundle '{bundle}' has no model.onnx in {models}");
                    }
                    else if (!string.Equals(actual, hash, StringComparison.OrdinalIgnoreCase))
                    {
                        problems.Add($"{path}: records {bundle} model.onnx {hash}, but the shipped one is {actual}");
                    }
                }
            }

            return problems;
        }

        /// <summary>
        /// INT8 bundles ship without model.onnx (docs/quantization.md): their hash is that of the model rebuilt from the
        /// float32 source and quantization.json, which the rebuild itself checks against metadata.json.
        /// </summary>
        private static string? RebuiltInt8Hash(string bundleDir, List<string> problems)
        {
            if (!File.Exists(Path.Combine(bundleDir, ModelBundle.MetadataFileName)) || ModelBundle.ReadMetadata(bundleDir).Quantization is null)
            {
                return null;
            }

            try
            {
                return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(TbScreen.Training.Quantization.QuantizedBundle.Rebuild(bundleDir, write: false)));
            }
            catch (TbScreen.Onnx.Quantization.QuantizationException e)
            {
                problems.Add(e.Message);
                return null;
            }
        }

        private static IEnumerable<(string Path, JsonObject Json)> Reports(string models) =>
            Directory.EnumerateFiles(models, "*.json", SearchOption.AllDirectories)
                .Where(p => Path.GetFileName(p) is "robustness.json" or "metadata.json" or "quantization-pgd.json" || Path.GetFileName(p).EndsWith("fairness.json", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(p => (p, JsonNode.Parse(File.ReadAllText(p)) as JsonObject ?? throw new InvalidDataException($"{p}: not a JSON object")));

        /// <summary>(bundle, onnxSha256) pairs: robustness checkpoints, fairness modelHashes, or a bundle's own metadata.</summary>
        private static List<(string Bundle, string Hash)> Recorded(JsonObject json)
        {
            var pairs = new List<(string, string)>();
            if (json["checkpoints"] is JsonArray checkpoints)
            {
                pairs.AddRange(checkpoints.OfType<JsonObject>().Select(c => ((string)c["bundle"]!, (string)c["onnxSha256"]!)));
            }

            if (json["modelHashes"] is JsonObject members)
            {
                pairs.AddRange(members.Select(m => (m.Key, (string)m.Value!)));
            }

            if (json["pairs"] is JsonArray quantizedPairs)
            {
                pairs.AddRange(quantizedPairs.OfType<JsonObject>()
                    .SelectMany(p => new[] { p["fp32Members"], p["int8Members"] }.OfType<JsonArray>().SelectMany(a => a.OfType<JsonObject>()))
                    .Select(m => ((string)m["bundle"]!, (string)m["onnxSha256"]!)));
            }

            if (json["onnxSha256"] is JsonValue own && json["name"] is JsonValue name)
            {
                pairs.Add(((string)name!, (string)own!));
            }

            return pairs;
        }
    }
}
