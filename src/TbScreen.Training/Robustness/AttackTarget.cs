using TbScreen.Imaging;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Robustness;

/// <summary>
/// A classifier seen from the preprocessed [0,1] gray image [N,1,S,S]: attacks perturb that image, and the
/// contract's normalisation and channel replication happen inside the differentiable graph.
/// </summary>
public interface IAttackTarget
{
    string Name { get; }

    /// <summary>The operating threshold on P(TB): a case is called TB when P(TB) &gt;= this.</summary>
    double Threshold { get; }

    /// <summary>log P(class) [N,2]; class 1 is TB.</summary>
    Tensor LogProbabilities(Tensor gray);

    /// <summary>The f of the empirical local Lipschitz constant: [N,K].</summary>
    Tensor LipschitzOutput(Tensor gray, LipschitzOutputKind kind);
}

/// <summary>What f is in ||f(x)-f(x')||_1 / ||x-x'||_inf.</summary>
public enum LipschitzOutputKind
{
    /// <summary>The net's pre-softmax output, as Yang et al. (their model.model ends in a linear layer).</summary>
    Logits,

    /// <summary>Class probabilities; the only choice for the ensemble, which has no logits (its output is a mean of probabilities).</summary>
    Probabilities,
}

/// <summary>One TorchSharp net in eval mode, its parameters frozen (attacks need gradients of the input only).</summary>
public sealed class NetTarget : IAttackTarget
{
    private readonly nn.Module<Tensor, Tensor> model;
    private readonly float mean;
    private readonly float std;
    private readonly int channels;

    public NetTarget(string name, nn.Module<Tensor, Tensor> model, InputContract contract, double threshold)
        : this(name, model, contract.Mean, contract.Std, contract.Channels, threshold)
    {
    }

    public NetTarget(string name, nn.Module<Tensor, Tensor> model, float mean, float std, int channels, double threshold)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (!(std > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "Std must be positive.");
        }

        Name = name;
        this.model = model;
        this.mean = mean;
        this.std = std;
        this.channels = channels;
        Threshold = threshold;
        model.eval();
        foreach (var parameter in model.parameters())
        {
            parameter.requires_grad = false;
        }
    }

    public string Name { get; }

    public double Threshold { get; }

    public Tensor Logits(Tensor gray)
    {
        var normalised = (gray - mean) / std;
        var input = channels == 1 ? normalised : normalised.expand(gray.shape[0], channels, gray.shape[2], gray.shape[3]);
        return model.forward(input);
    }

    public Tensor LogProbabilities(Tensor gray) => F.log_softmax(Logits(gray), 1);

    public Tensor LipschitzOutput(Tensor gray, LipschitzOutputKind kind) =>
        kind == LipschitzOutputKind.Logits ? Logits(gray) : F.softmax(Logits(gray), 1);
}

/// <summary>
/// The ensemble as ensemble.json defines it: P = sum_i w_i P_i / sum_i w_i. Its log-probability is computed as a
/// log-sum-exp of the members' log-softmax, so the attack's gradient does not vanish when a member saturates.
/// Members are TorchSharp nets or <see cref="StraightThroughTarget"/>s (INT8 graphs attacked by BPDA).
/// </summary>
public sealed class EnsembleTarget : IAttackTarget
{
    private readonly IReadOnlyList<IAttackTarget> members;
    private readonly double[] logWeights;

    public EnsembleTarget(string name, IReadOnlyList<IAttackTarget> members, IReadOnlyList<double> weights, double threshold)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(weights);
        if (members.Count < 1 || members.Count != weights.Count || weights.Any(w => !(w > 0)))
        {
            throw new ArgumentException("One positive weight per member, at least one member.", nameof(weights));
        }

        Name = name;
        this.members = members;
        double total = weights.Sum();
        logWeights = weights.Select(w => Math.Log(w / total)).ToArray();
        Threshold = threshold;
    }

    public string Name { get; }

    public double Threshold { get; }

    public IReadOnlyList<IAttackTarget> Members => members;

    /// <summary>log(w_i / sum w): the member weights as the ensemble applies them.</summary>
    public IReadOnlyList<double> LogWeights => logWeights;

    public Tensor LogProbabilities(Tensor gray)
    {
        var stacked = stack(members.Select((m, i) => m.LogProbabilities(gray) + logWeights[i]).ToArray(), 0);
        return stacked.logsumexp(0);
    }

    public Tensor LipschitzOutput(Tensor gray, LipschitzOutputKind kind) =>
        kind == LipschitzOutputKind.Probabilities
            ? LogProbabilities(gray).exp()
            : throw new NotSupportedException($"The ensemble '{Name}' has no logits: its output is a mean of probabilities.");
}
