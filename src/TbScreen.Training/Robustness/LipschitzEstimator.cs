using static TorchSharp.torch;

namespace TbScreen.Training.Robustness;

/// <summary>
/// Yang et al. (NeurIPS 2020) search schedule: start at x + InitialNoise * N(0,1), then Steps signed-gradient ascent
/// steps of StepSize on the ratio, each projected onto the eps ball and clipped to [0,1]; the ratio at the last
/// iterate is the estimate. The step is fixed, not scaled with eps: with eps below StepSize every step lands on a
/// corner of the ball.
/// </summary>
public sealed record LipschitzOptions
{
    public int Steps { get; init; } = 10;

    public double StepSize { get; init; } = 0.003;

    public double InitialNoise { get; init; } = 0.001;

    public void Validate()
    {
        if (Steps < 1 || !(StepSize > 0) || !(InitialNoise >= 0))
        {
            throw new ArgumentException($"Lipschitz search needs steps >= 1 (got {Steps}), a positive step (got {StepSize}) and non-negative initial noise (got {InitialNoise}).");
        }
    }
}

/// <summary>
/// The empirical local Lipschitz constant of Yang et al.: for each x, max over x' in the Linf ball of radius eps of
/// ||f(x)-f(x')||_1 / ||x-x'||_inf, the max found by the search in <see cref="LipschitzOptions"/>. Like theirs, the
/// denominator is ||x - x' + 1e-6||_inf, which keeps the ratio finite at x' = x.
/// </summary>
public static class LipschitzEstimator
{
    private const double DenominatorGuard = 1e-6;

    /// <returns>One ratio per image.</returns>
    public static double[] Estimate(IAttackTarget target, Tensor gray, double epsilon, LipschitzOutputKind output, LipschitzOptions options, Generator generator, Action<Tensor>? onIterate = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be positive and finite.");
        }

        using var scope = NewDisposeScope();
        Tensor clean;
        using (no_grad())
        {
            clean = target.LipschitzOutput(gray, output).detach();
        }

        var low = gray - epsilon;
        var high = gray + epsilon;
        // Not projected before the first step, as in their code.
        var adversarial = gray + options.InitialNoise * randn(gray.shape, generator: generator);
        for (int k = 0; k < options.Steps; k++)
        {
            using var stepScope = NewDisposeScope();
            Tensor gradient;
            using (enable_grad())
            {
                var input = adversarial.detach().requires_grad_(true);
                var ratio = Ratio(clean, target.LipschitzOutput(input, output), gray, input);
                gradient = autograd.grad([ratio.sum()], [input])[0];
            }

            adversarial = Attacks.Project(adversarial + options.StepSize * gradient.sign(), low, high).clamp(0, 1).MoveToOuterDisposeScope();
            onIterate?.Invoke(adversarial);
        }

        using (no_grad())
        {
            var final = Ratio(clean, target.LipschitzOutput(adversarial, output), gray, adversarial);
            return final.data<float>().Select(v => (double)v).ToArray();
        }
    }

    private static Tensor Ratio(Tensor clean, Tensor perturbedOutput, Tensor gray, Tensor perturbed)
    {
        var top = (clean - perturbedOutput).abs().flatten(1).sum(1);
        var bottom = (gray - perturbed + DenominatorGuard).abs().flatten(1).amax(new long[] { 1 });
        return top / bottom;
    }
}
