using System.CommandLine;
using TbScreen.Audit.Probe;
using TbScreen.Training.Experiments;
using TbScreen.Inference.Datasets;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen audit probe --data MANIFEST --checkpoints a.pt,b.pt [--bundles models/alexnet,models/googlenet] --out DIR`:
/// can a linear probe on the penultimate features tell the site, or the sex, from the image? (docs/fairness.md)
/// </summary>
public static class ProbeCommand
{
    public const string FileName = "probe.json";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new Option<string>("--data") { Description = "Manifest CSV or a supported layout.", Required = true };
        var checkpoints = new Option<string>("--checkpoints") { Description = "Comma-separated TorchSharp checkpoints (best.pt with its .json sidecar).", Required = true };
        var bundles = new Option<string?>("--bundles") { Description = "Comma-separated shipped ONNX bundles, in the same order, to prove output parity." };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds (grouped by patient).", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed for the folds and the bootstrap.", DefaultValueFactory = _ => 1 };
        var parity = new Option<int>("--parity-images") { Description = "Images checked for checkpoint/ONNX parity.", DefaultValueFactory = _ => 8 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap replicates for the balanced-accuracy CI.", DefaultValueFactory = _ => 1000 };
        var threads = new Option<int>("--threads") { Description = "Torch and preprocessing threads (1 is fastest on a busy machine).", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out", "-o") { Description = "Folder for probe.json.", Required = true };
        var command = new Command("probe", "Shortcut audit: a logistic-regression probe on the models' penultimate features predicts site and sex; high accuracy warns of shortcuts. Research use only.")
        {
            data, checkpoints, bundles, folds, seed, parity, bootstrap, threads, output,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            try
            {
                string[] points = Split(result.GetValue(checkpoints)!);
                string[] shipped = result.GetValue(bundles) is string b ? Split(b) : [];
                if (shipped.Length != 0 && shipped.Length != points.Length)
                {
                    throw new ArgumentException($"--bundles lists {shipped.Length} bundles for {points.Length} checkpoints");
                }

                foreach (string point in points)
                {
                    InputFiles.Require(point);
                }

                var options = new ProbeOptions(Folds: result.GetValue(folds), Seed: result.GetValue(seed));
                options.Validate();
                var records = DatasetLoader.Load(result.GetValue(data)!);
                var models = points.Select((p, i) => new ProbeModel(p, shipped.Length == 0 ? null : shipped[i])).ToList();
                var report = ProbeRunner.Run(records, models, options, Math.Max(1, result.GetValue(parity)), Math.Max(10, result.GetValue(bootstrap)), stdout, result.GetValue(threads));
                string path = Path.Combine(result.GetValue(output)!, FileName);
                string? version = shipped.Length == 0 ? null
                    : string.Join(" + ", shipped.Select(b => TbScreen.Inference.Bundles.ModelBundle.ReadMetadata(b)).Select(m => $"{m.Name} {m.Version}"));
                AuditDocuments.Write(path, ProbeTables.For(report), ProbeTables.Summary(report), version, report);
                foreach (string warning in report.Probes.SelectMany(p => p.Warnings))
                {
                    stderr.WriteLine($"tbscreen: warning: {warning}");
                }

                stdout.WriteLine(ProbeTables.Summary(report));
                stdout.WriteLine($"wrote {path}");
                return report.Parity.All(p => p.Matches) ? ExitCodes.Success : ExitCodes.ModelError;
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.Usage;
            }
        }));
        return command;
    }

    internal static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
