namespace TbScreen.Training.Training;

public enum DefenceKind
{
    None,

    /// <summary>Adversarial training on PGD/FGSM-with-random-start points (Madry et al. 2018; Wong et al. 2020 for one step).</summary>
    Adversarial,

    /// <summary>TRADES (Zhang et al. 2019): CE(x) + beta KL(p(x) || p(x')), x' maximising the KL in the ball.</summary>
    Trades,

    /// <summary>Local-Lipschitz regulariser: CE(x) + beta ||p(x)-p(x')||_1 / ||x-x'||_inf, x' maximising that ratio (Yang et al.'s quantity).</summary>
    Lipschitz,
}

/// <summary>Robust training, off by default. Everything in the [0,1] image space, after augmentation.</summary>
public sealed record DefenceOptions
{
    public DefenceKind Kind { get; init; } = DefenceKind.None;

    /// <summary>Linf radius in [0,1] units (2/255 = two 8-bit grey levels).</summary>
    public double Epsilon { get; init; } = 2 / 255.0;

    /// <summary>Inner-maximisation steps; each costs a forward and backward pass of the batch.</summary>
    public int Steps { get; init; } = 1;

    /// <summary>Null: 1.25 eps for a single adversarial step (Wong et al.), else 2.5 eps / steps.</summary>
    public double? StepSize { get; init; }

    /// <summary>Weight of the TRADES or Lipschitz term; unused by adversarial training.</summary>
    public double Beta { get; init; } = 6;

    public double StepFor() => StepSize ?? (Steps == 1 && Kind == DefenceKind.Adversarial ? 1.25 * Epsilon : 2.5 * Epsilon / Steps);

    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentException($"Unknown defence {Kind}.");
        }

        if (Kind != DefenceKind.None && (!(Epsilon > 0 && Epsilon < 1) || Steps < 1 || StepSize is <= 0 || !(Beta >= 0)))
        {
            throw new ArgumentException($"Defence needs eps in (0,1) (got {Epsilon}), steps >= 1 (got {Steps}), a positive step (got {StepSize}) and beta >= 0 (got {Beta}).");
        }
    }
}
