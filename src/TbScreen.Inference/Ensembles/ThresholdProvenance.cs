namespace TbScreen.Inference.Ensembles;

/// <summary>
/// Where an ensemble's threshold came from (`tbscreen calibrate-ensemble`): the sensitivity target, the sample it was
/// chosen on, and a K-fold check of the same rule on that sample (each fold judged by the threshold chosen without it).
/// </summary>
public sealed record ThresholdProvenance
{
    /// <summary>The sensitivity the threshold rule was asked for on the sample it chose on.</summary>
    public double TargetSensitivity { get; init; }

    /// <summary>
    /// Set by `calibrate-ensemble --oof --hold-across-folds`: the sensitivity that had to hold across folds (each fold
    /// judged by the threshold chosen on the others); <see cref="TargetSensitivity"/> is then the raised target that did.
    /// </summary>
    public double? HeldAcrossFolds { get; init; }

    /// <summary><see cref="Split"/> of a threshold chosen on out-of-fold predictions of models retrained per fold.</summary>
    public const string OutOfFoldSplit = "out-of-fold";

    /// <summary>The split the threshold was chosen on: validation, or <see cref="OutOfFoldSplit"/> (then the folds are those of the retrained models).</summary>
    public string Split { get; init; } = "val";

    /// <summary>The sources whose cases were used (those holding both classes), empty when all were.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    public int Positives { get; init; }

    public int Negatives { get; init; }

    /// <summary>Sensitivity and specificity of the threshold on the whole sample it was chosen on.</summary>
    public double Sensitivity { get; init; }

    public double Specificity { get; init; }

    /// <summary>Folds of the check; 0 when it was not run.</summary>
    public int Folds { get; init; }

    public int? Seed { get; init; }

    public double? OutOfFoldSensitivity { get; init; }

    public double? OutOfFoldSpecificity { get; init; }

    /// <summary>Each fold's threshold, chosen without that fold.</summary>
    public IReadOnlyList<double>? FoldThresholds { get; init; }

    /// <summary>Each fold's sensitivity at its own threshold.</summary>
    public IReadOnlyList<double>? FoldSensitivities { get; init; }

    public IReadOnlyList<double>? FoldSpecificities { get; init; }

    /// <summary>
    /// Set when the threshold is another ensemble's, carried over unchanged (`calibrate-ensemble --threshold-of`): the
    /// definition file and SHA-256 of the float32 ensemble whose members these INT8 members quantise. The rest of this
    /// record describes how that ensemble's threshold was chosen.
    /// </summary>
    public string? CarriedFrom { get; init; }
}
