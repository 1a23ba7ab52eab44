using TbScreen.Training.Sampling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TbScreen.Training.Training;

/// <summary>Saves and restores the between-epoch state of <see cref="Trainer"/> (<see cref="ResumePoint"/>).</summary>
public static class ResumableRun
{
    /// <summary>
    /// The resume point of the run in <paramref name="directory"/>, checked against the requested run; null when the
    /// folder holds no run yet (training starts at epoch 1).
    /// </summary>
    public static ResumePoint? Find(string directory, TrainingOptions options, string splitFingerprint)
    {
        var point = ResumePoint.TryRead(directory);
        if (point is null)
        {
            if (File.Exists(Path.Combine(directory, Trainer.HistoryFile)))
            {
                throw new TrainingResumeException(directory,
                    $"it holds {Trainer.HistoryFile} but no {ResumePoint.FileName} (a run from before resume points, or another tool's folder); train into a new folder");
            }

            return null;
        }

        point.RequireSameRun(directory, options, splitFingerprint);
        if (!point.Finished && (point.WeightsFile is null || point.OptimizerFile is null || point.TorchRandomState is null))
        {
            throw new TrainingResumeException(directory, $"{ResumePoint.FileName} of epoch {point.Epoch} names no saved state");
        }

        foreach (string? file in new[] { point.WeightsFile, point.OptimizerFile })
        {
            if (file is not null && !File.Exists(Path.Combine(directory, file)))
            {
                throw new TrainingResumeException(directory, $"the state file {file} of epoch {point.Epoch} is missing");
            }
        }

        return point;
    }

    /// <param name="trainOrder">The training indices, which shuffling permutes in place from epoch to epoch: set to the saved order.</param>
    public static void Restore(ResumePoint point, string directory, nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Generator defenceGenerator,
        GroupDro? dro, int[] trainOrder)
    {
        ArgumentNullException.ThrowIfNull(trainOrder);
        if (point.TrainOrder is not { } order || order.Count != trainOrder.Length || order.Order().Where((v, i) => v != i).Any())
        {
            throw new TrainingResumeException(directory, $"{ResumePoint.FileName} holds no valid training order for {trainOrder.Length} images");
        }

        for (int i = 0; i < trainOrder.Length; i++)
        {
            trainOrder[i] = order[i];
        }

        model.load(Path.Combine(directory, point.WeightsFile!));
        Helper(optimizer).load_state_dict(Path.Combine(directory, point.OptimizerFile!));
        torch.random.set_rng_state(Decode(point.TorchRandomState!));
        if (point.DefenceRandomState is string defence)
        {
            defenceGenerator.set_state(Decode(defence));
        }

        if (dro is not null)
        {
            dro.Restore(point.GroupDroWeights ?? throw new TrainingResumeException(directory, "the run uses group DRO but its resume point has no group weights"));
        }
    }

    /// <summary>Records the state after an epoch. A finished run keeps only resume.json: there is nothing left to continue.</summary>
    public static void Save(ResumePoint point, string directory, nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Generator defenceGenerator)
    {
        var withRandomState = point with
        {
            TorchRandomState = point.Finished ? null : Encode(torch.random.get_rng_state()),
            DefenceRandomState = point.Finished ? null : Encode(defenceGenerator.get_state()),
        };
        withRandomState.Save(directory, path => Atomically(path, p => model.save(p)), path => Atomically(path, Helper(optimizer).save_state_dict));
    }

    /// <summary>Writes to PATH.tmp, then renames, so an interrupted save never leaves a truncated file.</summary>
    internal static void Atomically(string path, Action<string> write)
    {
        string temporary = path + ".tmp";
        write(temporary);
        File.Move(temporary, path, overwrite: true);
    }

    internal static OptimizerHelper Helper(optim.Optimizer optimizer) =>
        optimizer as OptimizerHelper ?? throw new NotSupportedException($"{optimizer.GetType().Name} cannot save its state for resuming");

    internal static string Encode(Tensor state)
    {
        using (state)
        {
            return Convert.ToBase64String(state.data<byte>().ToArray());
        }
    }

    internal static Tensor Decode(string state) => torch.tensor(Convert.FromBase64String(state), dtype: ScalarType.Byte);
}
