using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Robustness;

/// <summary>PGD-Linf settings (Madry et al. 2018). A null step size takes 2.5 eps / steps, so the walk can cross the ball.</summary>
public sealed record PgdOptions
{
    public int Steps { get; init; } = 10;

    public double? StepSize { get; init; }

    public bool RandomStart { get; init; } = true;

    public int Restarts { get; init; } = 1;

    public double StepFor(double epsilon) => StepSize ?? 2.5 * epsilon / Steps;

    public void Validate()
    {
        if (Steps < 1 || Restarts < 1 || StepSize is <= 0 || (StepSize is double s && !double.IsFinite(s)))
        {
            throw new ArgumentException($"PGD needs steps >= 1 (got {Steps}), restarts >= 1 (got {Restarts}) and a positive step size (got {StepSize}).");
        }
    }
}

/// <summary>Per image: whether the decision at the operating threshold survived every attack iterate, and the P(TB) nearest to flipping.</summary>
public sealed record AttackOutcome(bool[] RobustCorrect, double[] WorstTbProbability);

/// <summary>
/// Untargeted Linf attacks on the true label in the [0,1] image space: maximise -log P(true class), which pushes
/// a TB case toward non-TB and a non-TB case toward TB. Every iterate stays in the eps ball and in [0,1].
/// </summary>
public static class Attacks
{
    /// <summary>One signed-gradient step of size eps (Goodfellow et al. 2015), clipped to [0,1].</summary>
    public static Tensor Fgsm(IAttackTarget target, Tensor gray, Tensor labels, double epsilon)
    {
        RequireEpsilon(epsilon);
        using var scope = NewDisposeScope();
        var (_, gradient) = LossAndGradient(target, gray, labels);
        return (gray + epsilon * gradient.sign()).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>FGSM's outcome: the clean decision and the FGSM point both have to be right.</summary>
    public static AttackOutcome FgsmOutcome(IAttackTarget target, Tensor gray, Tensor labels, double epsilon)
    {
        using var scope = NewDisposeScope();
        var tracker = new DecisionTracker(target, labels);
        tracker.Observe(TbProbabilities(target, gray));
        tracker.Observe(TbProbabilities(target, Fgsm(target, gray, labels, epsilon)));
        return tracker.Outcome();
    }

    /// <param name="onIterate">Sees every iterate (after the random start and after each step), e.g. for tests.</param>
    public static AttackOutcome Pgd(IAttackTarget target, Tensor gray, Tensor labels, double epsilon, PgdOptions options, Generator generator, Action<Tensor>? onIterate = null)
    {
        RequireEpsilon(epsilon);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        double step = options.StepFor(epsilon);
        using var scope = NewDisposeScope();
        var tracker = new DecisionTracker(target, labels);
        tracker.Observe(TbProbabilities(target, gray));
        var low = (gray - epsilon).clamp_min(0);
        var high = (gray + epsilon).clamp_max(1);
        for (int restart = 0; restart < options.Restarts; restart++)
        {
            var adversarial = options.RandomStart
                ? Project(gray + (rand(gray.shape, generator: generator) * 2 - 1) * epsilon, low, high)
                : gray.clone();
            for (int k = 0; k < options.Steps; k++)
            {
                using var stepScope = NewDisposeScope();
                onIterate?.Invoke(adversarial);
                var (logProbabilities, gradient) = LossAndGradient(target, adversarial, labels);
                tracker.Observe(logProbabilities[.., 1].exp());
                adversarial = Project(adversarial + step * gradient.sign(), low, high).MoveToOuterDisposeScope();
            }

            onIterate?.Invoke(adversarial);
            tracker.Observe(TbProbabilities(target, adversarial));
        }

        return tracker.Outcome();
    }

    public static Tensor TbProbabilities(IAttackTarget target, Tensor gray)
    {
        using var noGrad = no_grad();
        return target.LogProbabilities(gray)[.., 1].exp();
    }

    /// <summary>Onto the intersection of the eps ball and [0,1], given as per-pixel bounds.</summary>
    internal static Tensor Project(Tensor x, Tensor low, Tensor high) => minimum(maximum(x, low), high);

    private static (Tensor LogProbabilities, Tensor Gradient) LossAndGradient(IAttackTarget target, Tensor gray, Tensor labels)
    {
        using var enable = enable_grad();
        var input = gray.detach().requires_grad_(true);
        var logProbabilities = target.LogProbabilities(input);
        var loss = F.nll_loss(logProbabilities, labels, reduction: nn.Reduction.Sum);
        var gradient = autograd.grad([loss], [input])[0];
        return (logProbabilities.detach(), gradient);
    }

    private static void RequireEpsilon(double epsilon)
    {
        if (!(epsilon >= 0) || !double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be a finite non-negative number (in [0,1] image units).");
        }
    }

    /// <summary>Accumulates, per image, whether every observed point kept the right call, and the worst P(TB) seen.</summary>
    internal sealed class DecisionTracker
    {
        private readonly double threshold;
        private readonly bool[] isTb;
        private readonly bool[] correct;
        private readonly double[] worst;

        public DecisionTracker(IAttackTarget target, Tensor labels)
        {
            threshold = target.Threshold;
            isTb = labels.data<long>().Select(l => l == 1).ToArray();
            correct = Enumerable.Repeat(true, isTb.Length).ToArray();
            worst = isTb.Select(tb => tb ? double.PositiveInfinity : double.NegativeInfinity).ToArray();
        }

        public void Observe(Tensor tbProbabilities)
        {
            float[] p = tbProbabilities.detach().data<float>().ToArray();
            for (int i = 0; i < p.Length; i++)
            {
                correct[i] &= (p[i] >= threshold) == isTb[i];
                worst[i] = isTb[i] ? Math.Min(worst[i], p[i]) : Math.Max(worst[i], p[i]);
            }
        }

        public AttackOutcome Outcome() => new(correct.ToArray(), worst.ToArray());
    }
}
