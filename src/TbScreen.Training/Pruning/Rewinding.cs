using TbScreen.Training.Models;
using TbScreen.Training.Training;
using static TorchSharp.torch;

namespace TbScreen.Training.Pruning;

/// <summary>The two pieces the methods differ in: where retraining starts (weights) and which learning rates it uses.</summary>
public static class Rewinding
{
    /// <summary>
    /// Weight rewinding: every unpruned weight (unstructured) or surviving channel (structured) takes its value from
    /// the epoch-k state dict <paramref name="early"/> (batch-norm statistics included); masks stay as they are.
    /// </summary>
    /// <param name="denseOptions">The model options of the dense net <paramref name="early"/> belongs to.</param>
    /// <param name="originalKeep">Structured only: surviving channels as indices into the dense net (null: unstructured).</param>
    public static void Apply(nn.Module model, WeightMasks? masks, IReadOnlyDictionary<string, Tensor> early, string arch, ModelOptions denseOptions,
        IReadOnlyDictionary<string, long[]>? originalKeep)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(early);
        using var scope = NewDisposeScope();
        ChannelPruner.CopyInto(model, originalKeep is null ? early : ChannelPruner.Slice(early, arch, denseOptions with { Widths = null }, originalKeep));
        masks?.Apply();
    }

    /// <summary>
    /// The learning rate of batch <paramref name="batch"/> in retraining epoch <paramref name="epoch"/> (1-based):
    /// fine-tuning holds the original schedule's final rate; both rewinding methods replay the schedule from epoch k.
    /// </summary>
    public static double LearningRate(PruningMethod method, LearningRateSchedule schedule, int originalEpochs, int batchesPerEpoch, int rewindEpoch, int epoch, int batch) =>
        method == PruningMethod.FineTune
            ? schedule.At(originalEpochs - 1, batchesPerEpoch - 1)
            : schedule.At(rewindEpoch + epoch - 1, batch);
}
