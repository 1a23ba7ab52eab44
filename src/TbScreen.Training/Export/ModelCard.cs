using System.Globalization;
using System.Text;
using TbScreen.Inference.Bundles;
using TbScreen.Training.Training;

namespace TbScreen.Training.Export;

/// <summary>Writes a bundle's README.md model card from its metadata; held-out test results are added by the release step.</summary>
public static class ModelCard
{
    private static string MetricLine(ReportedMetric metric)
    {
        string ci = metric.Ci is { Count: 2 } ci2 ? string.Create(CultureInfo.InvariantCulture, $" (95% CI {ci2[0]:F3}-{ci2[1]:F3}, {metric.CiMethod})") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"- {metric.Name} ({metric.Split}): {metric.Value:F3}{ci}");
    }

    public static string Render(ModelMetadata metadata, CheckpointSidecar sidecar, double parityMaxAbsDiff)
    {
        var c = metadata.Input!;
        var t = metadata.Thresholds!;
        // A final model trained on train + validation reports out-of-fold metrics instead of validation ones.
        string prefix = metadata.Metrics.Any(m => m.Split.StartsWith(BundleExporter.OutOfFoldPrefix, StringComparison.Ordinal))
            ? BundleExporter.OutOfFoldPrefix
            : BundleExporter.ValidationPrefix;
        string evidence = prefix == BundleExporter.OutOfFoldPrefix ? "out-of-fold predictions of models retrained per fold" : "the validation split";
        var card = new StringBuilder();
        card.AppendLine(CultureInfo.InvariantCulture, $"# {metadata.Name} {metadata.Version} — TbScreen model card");
        card.AppendLine();
        card.AppendLine("**Research use only, not a medical device.** Not validated for clinical use.");
        card.AppendLine();
        card.AppendLine("## Intended use");
        card.AppendLine("Flags frontal (PA/AP) adult and paediatric chest radiographs that may show pulmonary tuberculosis, as one member of the");
        card.AppendLine(metadata.Architecture == "resnet18"
            ? "optional three-member TbScreen ensemble (AlexNet + GoogLeNet + ResNet-18, built with calibrate-ensemble). Disagreements and uncertain cases go to a"
            : "TbScreen AlexNet + GoogLeNet ensemble (after Lakhani & Sundaram, Radiology 2017). Disagreements and uncertain cases go to a");
        card.AppendLine("radiologist. Not for lateral views, other modalities, or as the only basis of a diagnosis.");
        card.AppendLine();
        card.AppendLine("## Model");
        card.AppendLine(sidecar.Options.Model.Pretrained
            ? $"- Architecture: {metadata.Architecture} (TorchVision layout, 2, 2, 2, 3 basic blocks), 2 classes, **fine-tuned from ImageNet weights** (CNTK's ResNet-18 in the MIT-licensed NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0; docs/pretrained.md)."
            : $"- Architecture: {metadata.Architecture} (TorchVision layout), 2 classes, trained **from scratch**: no ImageNet weights can be had offline for it.");
        if (metadata.Architecture == "alexnet")
        {
            card.AppendLine("- Classifier slimmed from 4096 to 512 hidden units (57 M to 7.5 M parameters) so that models/ stays under 100 MB; the convolutional");
            card.AppendLine("  features are TorchVision's. The 4096-wide head was sized for 1000 ImageNet classes, not 2 classes and ~650 training images.");
        }
        else
        {
            card.AppendLine(CultureInfo.InvariantCulture, $"- ONNX output `cam`: the class activation map (TB minus non-TB fc weights over the last {(metadata.Architecture == "resnet18" ? "layer4" : "inception")} map) for heatmaps.");
        }

        if (metadata.Lineage is { } lineage)
        {
            card.AppendLine(CultureInfo.InvariantCulture, $"- **Pruned** ({(lineage.Structured ? "structured: whole channels removed, layers rebuilt smaller" : "unstructured: single weights zeroed")}) by `tbscreen prune`: {lineage.Method}, rate {lineage.Rate}, {lineage.Rounds} round(s), {lineage.Sparsity:P1} of the conv + linear weights removed ({lineage.Compression:F2}x),");
            card.AppendLine(CultureInfo.InvariantCulture, $"  from `{lineage.SourceCheckpoint}` (SHA-256 {lineage.SourceSha256[..12]}...). Curves and every round: pruning.json, pruning.svg beside this card; docs/pruning.md.");
        }

        card.AppendLine(CultureInfo.InvariantCulture, $"- Training: epoch {sidecar.Epoch} ({(sidecar.Options.SkipValidation ? "the last of a fixed schedule, trained on train + validation without a validation split" : "best validation AUC")}), seed {sidecar.Seed}, optimiser {sidecar.Options.Optimizer}, TorchSharp {sidecar.TorchSharpVersion}.");
        card.AppendLine(CultureInfo.InvariantCulture, $"- ONNX Runtime reproduces TorchSharp's probabilities on {(prefix == BundleExporter.OutOfFoldPrefix ? "development" : "validation")} images within {parityMaxAbsDiff:G2} (checked at export).");
        card.AppendLine();
        card.AppendLine("## Input contract (stored in metadata.json)");
        card.AppendLine(CultureInfo.InvariantCulture, $"{c.Size}x{c.Size}, {c.Channels} channels, pipeline `{c.PipelineVersion}`: modality LUT, VOI, MONOCHROME1 inversion, border crop {(c.CropBorders ? "on" : "off")},");
        card.AppendLine(CultureInfo.InvariantCulture, $"intensity standardisation `{c.Standardisation}`, {c.ResizeMode} resize, (x - {c.Mean}) / {c.Std}. See docs/input-contract.md.");
        card.AppendLine();
        card.AppendLine(CultureInfo.InvariantCulture, $"## Thresholds (chosen on {evidence})");
        card.AppendLine(CultureInfo.InvariantCulture, $"- Youden: {t.Youden:F4}");
        card.AppendLine(CultureInfo.InvariantCulture, $"- Sensitivity >= 0.90 (WHO target product profile): {t.Sensitivity90:F4}");
        card.AppendLine(CultureInfo.InvariantCulture, $"- Operating threshold: `{t.Operating}` = {t.OperatingValue:F4}. Sites should calibrate locally (WHO).");
        card.AppendLine();
        card.AppendLine("## Data");
        var training = metadata.Training!;
        card.AppendLine(CultureInfo.InvariantCulture, $"{training.Dataset}: {training.TrainCount} training and {training.ValidationCount} validation images, patient-level split (split.csv), sources:");
        foreach (var (source, count) in training.CasesBySource.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            card.AppendLine(CultureInfo.InvariantCulture, $"- {source}: {count}");
        }

        card.AppendLine();
        // Within-source numbers (one hospital's TB and normal films) lead: they measure TB detection.
        string heading = prefix == BundleExporter.OutOfFoldPrefix ? "Out-of-fold metrics" : "Validation metrics";
        var withinSource = metadata.Metrics.Where(m => m.Split.StartsWith(prefix + "/", StringComparison.Ordinal)).ToList();
        if (withinSource.Count > 0)
        {
            card.AppendLine(CultureInfo.InvariantCulture, $"## {heading} within source (TB and normal from one hospital)");
            foreach (var metric in withinSource)
            {
                card.AppendLine(MetricLine(metric));
            }

            card.AppendLine();
        }

        card.AppendLine(withinSource.Count > 0 && metadata.Training?.Notes?.Contains("bounds source separation", StringComparison.Ordinal) == true
            ? $"## Pooled {heading.ToLowerInvariant()} (caveat: some sources hold one class, so this AUC measures the hospital as much as TB)"
            : $"## {heading}");
        foreach (var metric in metadata.Metrics.Where(m => !m.Split.StartsWith(prefix + "/", StringComparison.Ordinal)))
        {
            card.AppendLine(MetricLine(metric));
        }

        card.AppendLine();
        card.AppendLine("## What these numbers can and cannot mean");
        card.AppendLine("In ../shared/data/cxr nearly all TB-positive images come from one source (TBX11K, Chinese hospitals) and nearly all negatives");
        card.AppendLine("from another (NIH ChestX-ray14, a US hospital, where TB-negative is an assumption). A network can score well there by recognising");
        card.AppendLine("the hospital rather than TB, so a pooled AUC over such sources is an upper bound on source separation, not evidence of TB");
        card.AppendLine("detection. Only sources that hold both classes (Shenzhen: one hospital's TB and normal films; the few Rahman images) measure");
        card.AppendLine("TB detection, and a hospital the model never saw is the real test: docs/generalisation.md. Calibrate the threshold locally");
        card.AppendLine("(a site profile) before use. Never use this model to screen patients without local validation.");
        return card.ToString();
    }
}
