using TbScreen.Inference.Bundles;
using TbScreen.Training.Export;

namespace TbScreen.Training.Pruning;

/// <summary>Exports the selected round as a model bundle with its lineage, plus pruning.json and pruning.svg beside it.</summary>
public static class PrunedBundle
{
    public static BundleExportResult Export(PrunedChoice choice, string runDirectory, string bundleDirectory, BundleExportOptions options, string reportDirectory)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(options);
        var run = choice.Run;
        var round = choice.Round;
        string checkpoint = Path.Combine(runDirectory, round.Checkpoint);
        var lineage = new ModelLineage
        {
            Kind = "pruning",
            SourceCheckpoint = run.SourceCheckpoint,
            SourceSha256 = run.SourceSha256,
            Method = run.Method,
            Rate = run.Options.Rate,
            Rounds = round.Round,
            RewindEpoch = run.Method == PruningMethod.FineTune.Name() ? null : run.RewindEpoch,
            RetrainEpochs = run.RetrainEpochs,
            Sparsity = round.Sparsity,
            Compression = round.Compression,
            Structured = run.Structured,
        };
        var result = BundleExporter.Export(checkpoint, bundleDirectory, options with { Lineage = lineage, SparseWeights = !run.Structured });
        foreach (string file in new[] { PruningReport.JsonFile, PruningReport.SvgFile })
        {
            File.Copy(Path.Combine(reportDirectory, file), Path.Combine(bundleDirectory, file), overwrite: true);
        }

        return result;
    }
}
