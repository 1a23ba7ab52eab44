using System.Globalization;

namespace TbScreen.Training.Robustness;

/// <summary>Everything that decides a robustness run; written into each report.</summary>
public sealed record RobustnessOptions
{
    /// <summary>Linf radii in [0,1] image units (1/255 is one 8-bit grey level).</summary>
    public IReadOnlyList<double> Epsilons { get; init; } = [0.5 / 255, 1 / 255.0, 2 / 255.0, 4 / 255.0];

    public PgdOptions Pgd { get; init; } = new();

    public LipschitzOptions Lipschitz { get; init; } = new();

    /// <summary>f for single nets: logits (Yang et al.) and probabilities (comparable with the ensemble). The ensemble always uses probabilities.</summary>
    public IReadOnlyList<LipschitzOutputKind> NetLipschitzOutputs { get; init; } = [LipschitzOutputKind.Logits, LipschitzOutputKind.Probabilities];

    public bool Corruptions { get; init; } = true;

    /// <summary>FGSM, PGD and the Lipschitz estimate; off for a corruption-only run (merged into an existing report).</summary>
    public bool Attacks { get; init; } = true;

    public int Seed { get; init; } = 1;

    /// <summary>Use only the first N images of the split (smoke runs); null = all.</summary>
    public int? Limit { get; init; }

    /// <summary>Attack (FGSM, PGD, Lipschitz) only a class-balanced subset of this many images; clean metrics and corruptions use all. Null = all.</summary>
    public int? AttackLimit { get; init; }

    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount);

    public int BatchSize { get; init; } = 8;

    /// <summary>Real images on which the checkpoint must reproduce the ONNX model.</summary>
    public int ParityImages { get; init; } = 4;

    public double ParityTolerance { get; init; } = CheckpointParity.DefaultTolerance;

    /// <summary>Percentile bootstrap replicates for the Lipschitz mean's CI.</summary>
    public int BootstrapReplicates { get; init; } = 2000;

    public void Validate()
    {
        Pgd.Validate();
        Lipschitz.Validate();
        Require(Epsilons.Count > 0 && Epsilons.All(e => e > 0 && e < 1), "Every epsilon must be in (0,1) ([0,1] image units, e.g. 2/255).");
        Require(Limit is null or >= 2, "--limit must be at least 2.");
        Require(AttackLimit is null or >= 2, "--attack-limit must be at least 2.");
        Require(Threads >= 1 && BatchSize >= 1 && ParityImages >= 1, "Threads, batch size and parity images must be positive.");
        Require(ParityTolerance > 0, "Parity tolerance must be positive.");
        Require(BootstrapReplicates >= 100, "At least 100 bootstrap replicates.");
    }

    /// <summary>Parses "0.5/255,1/255,0.01": fractions or plain numbers.</summary>
    public static double[] ParseEpsilons(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseNumber).ToArray();
    }

    public static double ParseNumber(string term)
    {
        string[] parts = term.Split('/');
        if (parts.Length is 1 or 2 && parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            double value = double.Parse(parts[0], CultureInfo.InvariantCulture);
            return parts.Length == 1 ? value : value / double.Parse(parts[1], CultureInfo.InvariantCulture);
        }

        throw new ArgumentException($"'{term}' is not a number or a fraction like 2/255.");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
