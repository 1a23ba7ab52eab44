using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Metrics;
using TbScreen.Inference.Runtime;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen calibrate-ensemble --models DIR --members a,b --data MANIFEST --split-file FILE`: chooses the ensemble's
/// threshold on the validation split (sensitivity >= 0.90 of the mean probability) and writes models/ensemble.json.
/// </summary>
public static class CalibrateEnsembleCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var models = new Option<string>("--models") { Description = "Folder holding the member bundles; ensemble.json is written here.", DefaultValueFactory = _ => "models" };
        var members = new Option<string>("--members") { Description = "Member bundle names, comma-separated.", DefaultValueFactory = _ => "alexnet,googlenet" };
        var data = new Option<string>("--data") { Description = "Manifest the members were trained on.", Required = true };
        var splitFile = new Option<string>("--split-file") { Description = "Split file (file,split columns) used in training.", Required = true };
        var band = new Option<double>("--band") { Description = "Uncertainty band half-width around the threshold.", DefaultValueFactory = _ => 0.05 };
        var heatmap = new Option<string>("--heatmap-member") { Description = "Member whose CAM is the heatmap.", DefaultValueFactory = _ => "googlenet" };
        var ensembleFile = new Option<string>("--ensemble") { Description = "File name of the definition written in the models folder (ensemble-pruned.json for the pruned option).", DefaultValueFactory = _ => EnsembleDefinition.FileName };
        var command = new Command("calibrate-ensemble", "Choose the ensemble threshold on the validation split and write ensemble.json.")
        {
            models, members, data, splitFile, band, heatmap, ensembleFile,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string folder = result.GetValue(models)!;
            string manifest = InputFiles.RequireManifests(result.GetValue(data)!);
            var rows = ManifestReader.Filter(ManifestReader.Read(manifest), "val", result.GetValue(splitFile), manifest);
            var names = result.GetValue(members)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var classifiers = names.Select(n => new OnnxClassifier(ModelBundle.Load(Path.Combine(folder, n)))).ToList();
            try
            {
                var mean = new double[rows.Count];
                for (int i = 0; i < rows.Count; i++)
                {
                    var radiograph = RadiographFiles.Load(rows[i].Path);
                    mean[i] = classifiers.Average(c => (double)c.PredictOne(RadiographPipeline.ToTensor(radiograph, c.Contract)).TbProbability);
                }

                // As for member thresholds (BundleExporter): on sources that hold both classes when each has 20 or more,
                // since elsewhere a threshold only separates hospitals.
                var mixed = rows.GroupBy(r => r.Source).Where(g => g.Count(r => r.IsTb) >= 20 && g.Count(r => !r.IsTb) >= 20).Select(g => g.Key).ToHashSet();
                int[] chosen = Enumerable.Range(0, rows.Count).Where(i => mixed.Count == 0 || mixed.Contains(rows[i].Source)).ToArray();
                var cases = new ScoredCases(chosen.Select(i => mean[i]).ToArray(), chosen.Select(i => rows[i].IsTb).ToArray());
                var point = ThresholdSelection.ForSensitivity(cases) ?? throw new ManifestException(manifest, "validation split needs both classes");
                var definition = new EnsembleDefinition
                {
                    Members = names.Select(n => new EnsembleMember { Bundle = n, Weight = 1 }).ToList(),
                    Rule = EnsembleDefinition.MeanRule,
                    Threshold = point.Threshold,
                    UncertaintyBand = result.GetValue(band),
                    HeatmapMember = result.GetValue(heatmap),
                    // Keep the lung check whenever the folder ships the lung bundle.
                    Lungs = Directory.Exists(Path.Combine(folder, "lungs")) ? "lungs" : null,
                };
                string path = Path.Combine(folder, result.GetValue(ensembleFile)!);
                File.WriteAllText(path, JsonSerializer.Serialize(definition, BundleJson.Options) + "\n");
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {path}: threshold {point.Threshold:F4} (validation sensitivity {point.Sensitivity:F3}, specificity {point.Specificity:F3}, n={cases.Count}{(mixed.Count > 0 ? " from " + string.Join(", ", mixed) : "")}), band ±{result.GetValue(band)}"));
                return ExitCodes.Success;
            }
            finally
            {
                classifiers.ForEach(c => c.Dispose());
            }
        }));
        return command;
    }
}
