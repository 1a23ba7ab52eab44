using System.CommandLine;
using TbScreen.Training.Experiments;
using TbScreen.Training.Splits;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen audit site-finetune --data MANIFEST --split-file split.csv --site NAME --checkpoint best.pt --out DIR`:
/// fine-tune the population model on one site and compare both on the site's held-out images (docs/fairness.md).
/// </summary>
public static class SiteFinetuneCommand
{
    public const string FileName = "site-finetune.json";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new Option<string>("--data") { Description = "Manifest CSV or a supported layout.", Required = true };
        var splitFile = new Option<string>("--split-file") { Description = "The split the population model was trained with (models/split.csv).", Required = true };
        var site = new Option<string>("--site") { Description = "Site (manifest source) to adapt to; it needs both classes in its training images.", Required = true };
        var checkpoint = new Option<string>("--checkpoint") { Description = "Population model checkpoint (best.pt with its .json sidecar).", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Fine-tuning epochs.", DefaultValueFactory = _ => 5 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (cosine decay, no warm-up).", DefaultValueFactory = _ => 1e-3 };
        var threshold = new Option<double>("--threshold") { Description = "Threshold on P(TB) for sensitivity and specificity.", DefaultValueFactory = _ => 0.5 };
        var seed = new Option<int>("--seed") { Description = "Seed.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out", "-o") { Description = "Folder for the fine-tuned checkpoint and site-finetune.json.", Required = true };
        var command = new Command("site-finetune", "Fine-tune the population model on one site's training images and compare it with the population model on that site's held-out images. Research use only.")
        {
            data, splitFile, site, checkpoint, epochs, lr, threshold, seed, output,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            try
            {
                string outDir = result.GetValue(output)!;
                var split = DatasetSplit.LoadOrCreate(result.GetValue(data)!, InputFiles.Require(result.GetValue(splitFile)!), new SplitOptions(), null);
                var options = new SiteFinetuneOptions(result.GetValue(site)!, InputFiles.Require(result.GetValue(checkpoint)!), result.GetValue(epochs),
                    result.GetValue(lr), result.GetValue(threshold), result.GetValue(seed), Threads: 1); // one thread: much faster on a shared machine
                var report = SiteFinetuneRunner.Run(split, options, outDir, stdout);
                string path = Path.Combine(outDir, FileName);
                var tables = SiteFinetuneRunner.Tables(report);
                string population = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(options.Checkpoint))) + "/" + Path.GetFileName(options.Checkpoint);
                AuditDocuments.Write(path, tables, string.Join(" ", report.Warnings), $"population checkpoint {population}", report);
                foreach (string warning in report.Warnings)
                {
                    stderr.WriteLine($"tbscreen: warning: {warning}");
                }

                foreach (var row in tables[0].Rows)
                {
                    stdout.WriteLine(string.Join(" | ", row));
                }

                stdout.WriteLine($"wrote {path}");
                return ExitCodes.Success;
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.Usage;
            }
        }));
        return command;
    }
}
