using static TorchSharp.torch;

namespace TbScreen.Training.Sampling;

/// <summary>
/// Online group DRO (Sagawa et al., ICLR 2020, Algorithm 1): the group weights q move by exponentiated gradient
/// towards the groups with the highest loss, and the training loss is the q-weighted sum of the groups' mean losses,
/// so the worst group (here: the one where the hospital shortcut fails) drives the update.
/// </summary>
public sealed class GroupDro
{
    private readonly double[] _weights;
    private readonly double _stepSize;

    public GroupDro(int groups, double stepSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        _weights = Enumerable.Repeat(1.0 / groups, groups).ToArray();
        _stepSize = stepSize;
    }

    public IReadOnlyList<double> Weights => _weights;

    /// <summary>Sets the group weights of a resumed run (<see cref="Training.ResumePoint"/>).</summary>
    public void Restore(IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count != _weights.Length)
        {
            throw new ArgumentException($"{weights.Count} group weights for {_weights.Length} groups", nameof(weights));
        }

        for (int g = 0; g < _weights.Length; g++)
        {
            _weights[g] = weights[g];
        }
    }

    /// <param name="perSampleLoss">[N] losses, not reduced.</param>
    /// <param name="groupOfSample">The group of each of the N samples.</param>
    public Tensor Loss(Tensor perSampleLoss, IReadOnlyList<int> groupOfSample)
    {
        ArgumentNullException.ThrowIfNull(perSampleLoss);
        ArgumentNullException.ThrowIfNull(groupOfSample);
        var present = groupOfSample.Distinct().Order().ToArray();
        var groupLosses = new Tensor[present.Length];
        for (int k = 0; k < present.Length; k++)
        {
            long[] rows = groupOfSample.Select((g, i) => (g, i)).Where(p => p.g == present[k]).Select(p => (long)p.i).ToArray();
            groupLosses[k] = perSampleLoss.index_select(0, tensor(rows)).mean();
        }

        // q_g <- q_g * exp(eta * loss_g) for the groups in this batch, then renormalise.
        for (int k = 0; k < present.Length; k++)
        {
            _weights[present[k]] *= Math.Exp(_stepSize * groupLosses[k].detach().item<float>());
        }

        double total = _weights.Sum();
        for (int g = 0; g < _weights.Length; g++)
        {
            _weights[g] /= total;
        }

        Tensor loss = zeros(1, dtype: perSampleLoss.dtype)[0];
        for (int k = 0; k < present.Length; k++)
        {
            loss = loss + groupLosses[k] * _weights[present[k]];
        }

        return loss;
    }
}
