namespace TbScreen.Inference.Stability;

/// <summary>
/// The per-result stability check (docs/robustness.md): does any small perturbation of the preprocessed image, at most
/// <see cref="Epsilon"/> per pixel, flip the ensemble's call? Off by default: it multiplies the inference cost.
/// </summary>
public sealed record StabilityOptions
{
    public bool Enabled { get; init; }

    /// <summary>Linf radius in [0,1] image units; 2/255 = two 8-bit grey levels, invisible on a radiograph.</summary>
    public double Epsilon { get; init; } = 2 / 255.0;

    /// <summary>Random corners of the eps ball (each pixel +-eps) tried first.</summary>
    public int RandomSamples { get; init; } = 4;

    /// <summary>Gradient-free worst-case steps (SPSA: the gradient's sign estimated from paired queries).</summary>
    public int SearchSteps { get; init; } = 2;

    /// <summary>Random directions per SPSA step; each costs two queries of every member.</summary>
    public int Directions { get; init; } = 4;

    public int Seed { get; init; } = 1;

    /// <summary>ONNX Runtime queries per member per image: random samples, then per step 2 x directions + the new iterate.</summary>
    public int QueriesPerImage => RandomSamples + SearchSteps * (2 * Directions + 1);

    /// <summary>
    /// What the check adds to a result's model version ("stability@EPS", then ":SAMPLES/STEPS/DIRECTIONS/seedN" when any
    /// of those is not the default): results are stored and reused per image and model version, and a result screened
    /// without the check, or with another one, must not stand in for this one.
    /// </summary>
    public string Mark
    {
        get
        {
            var defaults = new StabilityOptions();
            string mark = FormattableString.Invariant($"stability@{Epsilon:R}");
            return RandomSamples == defaults.RandomSamples && SearchSteps == defaults.SearchSteps && Directions == defaults.Directions && Seed == defaults.Seed
                ? mark
                : FormattableString.Invariant($"{mark}:{RandomSamples}/{SearchSteps}/{Directions}/seed{Seed}");
        }
    }

    public void Validate()
    {
        if (!(Epsilon > 0 && Epsilon < 1) || RandomSamples < 0 || SearchSteps < 0 || Directions < 1 || RandomSamples + SearchSteps == 0)
        {
            throw new ArgumentException($"Stability check needs eps in (0,1) (got {Epsilon}), random samples >= 0 ({RandomSamples}), search steps >= 0 ({SearchSteps}) with at least one of them, and directions >= 1 ({Directions}).");
        }
    }
}

/// <summary>What the check found for one image.</summary>
public sealed record StabilityFinding(double Epsilon, bool Flipped, double WorstProbability, int Queries);
