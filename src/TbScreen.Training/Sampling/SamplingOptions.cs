namespace TbScreen.Training.Sampling;

/// <summary>How training batches are drawn.</summary>
public enum SamplingKind
{
    /// <summary>Every training image once per epoch, shuffled.</summary>
    Shuffle,

    /// <summary>Each (source, label) group equally often, with replacement: the source alone cannot lower the loss much.</summary>
    Balanced,

    /// <summary>Balanced batches and group DRO (Sagawa et al. 2020): minimise the worst (source, label) group's loss.</summary>
    GroupDro,
}

/// <summary>How the best epoch is chosen on the validation split.</summary>
public enum SelectionKind
{
    /// <summary>Mean AUC over the validation sources that hold both classes (one hospital's TB and normal); pooled AUC when none does.</summary>
    WithinSource,

    /// <summary>AUC over the whole validation split: rewards telling hospitals apart when classes come from different ones.</summary>
    Pooled,
}

/// <summary>Sampling, group DRO and model selection; recorded in training.json.</summary>
public sealed record SamplingOptions
{
    public SamplingKind Kind { get; init; } = SamplingKind.Shuffle;

    /// <summary>
    /// Groups smaller than this are drawn in proportion to their size below it, so a source with a handful of images
    /// is not repeated dozens of times an epoch (memorised rather than learned).
    /// </summary>
    public int MinGroupSize { get; init; } = 30;

    /// <summary>Group DRO's exponentiated-gradient step on the group weights (Sagawa et al. use 0.01).</summary>
    public double DroStepSize { get; init; } = 0.01;

    public SelectionKind Selection { get; init; } = SelectionKind.WithinSource;

    public void Validate()
    {
        if (!Enum.IsDefined(Kind) || !Enum.IsDefined(Selection))
        {
            throw new ArgumentException("Unknown sampling or selection kind.");
        }

        if (MinGroupSize < 1)
        {
            throw new ArgumentException("The minimum group size must be at least 1.");
        }

        if (DroStepSize is <= 0 or > 1 || !double.IsFinite(DroStepSize))
        {
            throw new ArgumentException("The group DRO step size must be in (0, 1].");
        }
    }
}
