using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Distillation;

/// <summary>
/// Where <see cref="FeatureDistillation"/> keeps its between-epoch state (student, projection, optimiser moments) so a
/// run stopped inside the phase continues from its last finished epoch instead of starting the phase again.
/// </summary>
public interface IDistillationCheckpoints
{
    /// <summary>Loads the saved state into the freshly made modules; returns the epochs already done and their records (none: 0).</summary>
    (int Done, IReadOnlyList<DistillationEpoch> History) Restore(nn.Module student, nn.Module projection, optim.Optimizer optimizer);

    /// <summary>Records the state after <paramref name="epoch"/>; the last epoch's record marks the phase finished.</summary>
    void Save(int epoch, int epochs, IReadOnlyList<DistillationEpoch> history, nn.Module student, nn.Module projection, optim.Optimizer optimizer);
}
