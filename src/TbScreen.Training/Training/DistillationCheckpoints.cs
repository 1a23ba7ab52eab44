using TbScreen.Training.Distillation;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Training;

/// <summary>
/// Feature distillation's resume point in a training folder: distillation-resume.json after each distillation epoch,
/// written after its state files (distillation-K.*), as <see cref="ResumePoint"/> is for fine-tuning. A run stopped
/// inside the phase continues from its last finished epoch; one stopped after it (distilled.pt written, no fine-tuning
/// epoch finished) starts fine-tuning from distilled.pt without distilling again.
/// </summary>
public sealed class DistillationCheckpoints(string directory, TrainingOptions options, string splitFingerprint, bool resume) : IDistillationCheckpoints
{
    public const string FileName = "distillation-resume.json";
    public const string DistilledCheckpoint = "distilled.pt";

    /// <summary>True when resuming a run whose distillation finished and whose distilled weights were saved.</summary>
    public bool PhaseFinished => resume && Read() is { } point && point.Epoch >= options.Distillation.Epochs && File.Exists(Path.Combine(directory, DistilledCheckpoint));

    /// <summary>The distillation epochs a resumed run will not repeat.</summary>
    public int DoneEpochs => resume && Read() is { } point ? point.Epoch : 0;

    /// <summary>Loads distilled.pt and the random state distillation left, as the uninterrupted run starts fine-tuning.</summary>
    public void RestoreFinished(nn.Module<Tensor, Tensor> model)
    {
        var point = Read() ?? throw new TrainingResumeException(directory, $"{FileName} is missing");
        model.load(Path.Combine(directory, DistilledCheckpoint));
        torch.random.set_rng_state(ResumableRun.Decode(point.TorchRandomState));
    }

    public (int Done, IReadOnlyList<DistillationEpoch> History) Restore(nn.Module student, nn.Module projection, optim.Optimizer optimizer)
    {
        if (!resume || Read() is not { } point)
        {
            return (0, []);
        }

        foreach (string file in point.Files)
        {
            if (!File.Exists(Path.Combine(directory, file)))
            {
                throw new TrainingResumeException(directory, $"the distillation state file {file} of epoch {point.Epoch} is missing");
            }
        }

        student.load(Path.Combine(directory, point.Files[0]));
        projection.load(Path.Combine(directory, point.Files[1]));
        ResumableRun.Helper(optimizer).load_state_dict(Path.Combine(directory, point.Files[2]));
        torch.random.set_rng_state(ResumableRun.Decode(point.TorchRandomState));
        return (point.Epoch, point.History);
    }

    public void Save(int epoch, int epochs, IReadOnlyList<DistillationEpoch> history, nn.Module student, nn.Module projection, optim.Optimizer optimizer)
    {
        var previous = Read(requireSameRun: false);
        string[] files = [$"distillation-{epoch}.student.pt", $"distillation-{epoch}.projection.pt", $"distillation-{epoch}.optimizer.pt"];
        Atomically(files[0], path => student.save(path));
        Atomically(files[1], path => projection.save(path));
        Atomically(files[2], ResumableRun.Helper(optimizer).save_state_dict);
        var point = new DistillationResumePoint(epoch, options, splitFingerprint, [.. history], ResumableRun.Encode(torch.random.get_rng_state()), files);
        Atomically(FileName, path => TrainingJson.Write(path, point));
        DeleteFiles(previous, keep: files);
    }

    /// <summary>Once distilled.pt is written the per-epoch state is no longer needed (the JSON stays: it marks the phase done).</summary>
    public void DiscardState() => DeleteFiles(Read(requireSameRun: false), keep: []);

    private DistillationResumePoint? Read(bool requireSameRun = true)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        DistillationResumePoint point;
        try
        {
            point = TrainingJson.Read<DistillationResumePoint>(path);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new TrainingResumeException(directory, $"{FileName} is not a readable resume point ({e.Message})");
        }

        if (requireSameRun)
        {
            ResumePoint.RequireSame(directory, "its distillation", point.Options, point.SplitFingerprint, options, splitFingerprint);
        }

        return point;
    }

    private void DeleteFiles(DistillationResumePoint? point, string[] keep)
    {
        foreach (string stale in point?.Files.Except(keep) ?? [])
        {
            File.Delete(Path.Combine(directory, stale));
        }
    }

    private void Atomically(string name, Action<string> write) => ResumableRun.Atomically(Path.Combine(directory, name), write);
}

/// <summary>What distillation-resume.json holds: the last finished distillation epoch and the files of its state.</summary>
public sealed record DistillationResumePoint(int Epoch, TrainingOptions Options, string SplitFingerprint, IReadOnlyList<DistillationEpoch> History,
    string TorchRandomState, IReadOnlyList<string> Files);
