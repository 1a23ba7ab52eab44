using System.CommandLine;
using System.Globalization;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Evaluation;
using TbScreen.Inference.OutOfDistribution;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen fit-ood --models DIR [--ensemble FILE] --data MANIFEST[,MANIFEST...] --split-file SPLIT [--components 48]
/// [--quantile 0.99]`: fits each member's out-of-distribution detector on the train split, sets its threshold on the
/// val split and writes ood.json (hash in metadata.json) into each bundle (docs/cli.md, docs/model-bundles.md).
/// </summary>
public static class FitOodCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new Option<string>("--data") { Description = "Manifest CSV(s) or dataset folders (as for train), comma-separated; split-file paths are relative to their common folder.", Required = true };
        var splitFile = new Option<string>("--split-file") { Description = "CSV file,split (train/val/test) as written by training.", Required = true };
        var components = new Option<int>("--components") { Description = "Principal directions kept (k).", DefaultValueFactory = _ => OodFitter.DefaultComponents };
        var quantile = new Option<double>("--quantile") { Description = "Validation quantile that becomes the threshold.", DefaultValueFactory = _ => OodFitter.DefaultQuantile };
        var batch = new Option<int>("--batch") { Description = "Images per ONNX Runtime batch.", DefaultValueFactory = _ => 8 };
        var models = new EnsembleCliOptions();
        var command = new Command("fit-ood", "Fit each bundle's out-of-distribution ('unfamiliar image') detector on the train split, threshold on val; writes ood.json into the bundles.")
        {
            data,
            splitFile,
            components,
            quantile,
            batch,
        };
        models.AddTo(command);
        components.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 4096) r.AddError("--components must be between 1 and 4096."); });
        quantile.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (> 0 and < 1)) r.AddError("--quantile must lie strictly between 0 and 1."); });
        batch.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 256) r.AddError("--batch must be between 1 and 256."); });
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string manifest = InputFiles.RequireData(result.GetValue(data)!);
            string split = result.GetValue(splitFile)!;
            var rows = ManifestReader.Read(manifest);
            var train = ManifestReader.Filter(rows, "train", split, manifest).Select(r => r.Path).ToList();
            var validation = ManifestReader.Filter(rows, "val", split, manifest).Select(r => r.Path).ToList();
            int failures = 0;
            Radiograph? Load(string path)
            {
                try
                {
                    return RadiographFiles.Load(path);
                }
                catch (Exception e) when (e is DicomException or ImageDecodeException)
                {
                    stderr.WriteLine($"tbscreen: {e.Message}");
                    Interlocked.Increment(ref failures);
                    return null;
                }
            }

            using var ensemble = models.Load(result, stderr);
            string dataHash = OodFitting.DataSha256([split, .. ManifestSet.Parts(manifest)]);
            var results = OodFitting.Run(ensemble.Members, train, validation, Load, result.GetValue(components), result.GetValue(quantile),
                dataHash, $"data {manifest}; split {split}", result.GetValue(batch), ensemble.Lungs);
            foreach (var r in results)
            {
                stdout.WriteLine(r.Model is { } m
                    ? string.Create(CultureInfo.InvariantCulture, $"{r.Bundle}: fitted on {m.FitCount} train images (D {m.FeatureDimension}, k {m.Components}), threshold {m.Threshold:0.###} = {m.Quantile:0.###} quantile of {m.ValidationCount} val distances; wrote {OodFile.FileName}")
                    : $"{r.Bundle}: skipped, {r.Skipped}");
            }

            if (results.All(r => r.Model is null))
            {
                stderr.WriteLine("tbscreen: no bundle has a features output; re-export the bundles (tbscreen export-onnx) first");
                return ExitCodes.ModelError;
            }

            return failures == 0 ? ExitCodes.Success : ExitCodes.SomeInputsFailed;
        }));
        return command;
    }
}
