using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Training;

/// <summary>
/// The training loss with the chosen defence. The inner maximisation runs with the model in eval mode (dropout off,
/// as TRADES does) and differentiates the input only; the outer loss runs in train mode.
/// </summary>
public static class DefenceLoss
{
    /// <param name="gray">The augmented [0,1] batch [N,1,S,S].</param>
    /// <param name="toInput">The contract's normalisation and channel replication (differentiable).</param>
    public static Tensor Compute(nn.Module<Tensor, Tensor> model, Tensor gray, Tensor target, Tensor? classWeights, DefenceOptions defence, Func<Tensor, Tensor> toInput, Generator generator)
    {
        if (defence.Kind == DefenceKind.None)
        {
            return F.cross_entropy(model.forward(toInput(gray)), target, classWeights);
        }

        double eps = defence.Epsilon, step = defence.StepFor();
        var low = (gray - eps).clamp_min(0);
        var high = (gray + eps).clamp_max(1);
        model.eval();
        Tensor adversarial;
        Tensor? cleanProbabilities = null;
        if (defence.Kind == DefenceKind.Adversarial)
        {
            adversarial = Clip(gray + (rand(gray.shape, generator: generator) * 2 - 1) * eps, low, high);
            for (int k = 0; k < defence.Steps; k++)
            {
                var gradient = InputGradient(adversarial, x => F.cross_entropy(model.forward(toInput(x)), target, classWeights));
                adversarial = Clip(adversarial + step * gradient.sign(), low, high);
            }
        }
        else
        {
            using (no_grad())
            {
                cleanProbabilities = F.softmax(model.forward(toInput(gray)), 1);
            }

            var reference = cleanProbabilities;
            adversarial = Clip(gray + 0.001 * randn(gray.shape, generator: generator), low, high);
            for (int k = 0; k < defence.Steps; k++)
            {
                var gradient = InputGradient(adversarial, x => defence.Kind == DefenceKind.Trades
                    ? Kl(reference, model.forward(toInput(x)))
                    : LipschitzRatio(reference, model.forward(toInput(x)), gray, x).sum());
                adversarial = Clip(adversarial + step * gradient.sign(), low, high);
            }
        }

        model.train();
        adversarial = adversarial.detach();
        if (defence.Kind == DefenceKind.Adversarial)
        {
            return F.cross_entropy(model.forward(toInput(adversarial)), target, classWeights);
        }

        var cleanLogits = model.forward(toInput(gray));
        var natural = F.cross_entropy(cleanLogits, target, classWeights);
        var adversarialLogits = model.forward(toInput(adversarial));
        var regulariser = defence.Kind == DefenceKind.Trades
            ? Kl(F.softmax(cleanLogits, 1), adversarialLogits)
            : LipschitzRatio(F.softmax(cleanLogits, 1), adversarialLogits, gray, adversarial).mean();
        return natural + defence.Beta * regulariser;
    }

    /// <summary>KL(p || softmax(logits)) averaged over the batch (TRADES' batchmean).</summary>
    private static Tensor Kl(Tensor p, Tensor logits) =>
        (p * (p.clamp_min(1e-12).log() - F.log_softmax(logits, 1))).sum(1).mean();

    private static Tensor LipschitzRatio(Tensor p, Tensor logits, Tensor gray, Tensor perturbed) =>
        (p - F.softmax(logits, 1)).abs().sum(1) / (gray - perturbed + 1e-6).abs().flatten(1).amax(new long[] { 1 });

    private static Tensor InputGradient(Tensor at, Func<Tensor, Tensor> objective)
    {
        using var enable = enable_grad();
        var input = at.detach().requires_grad_(true);
        return autograd.grad([objective(input)], [input])[0].detach();
    }

    private static Tensor Clip(Tensor x, Tensor low, Tensor high) => minimum(maximum(x, low), high).detach();
}
