using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Training;

/// <summary>Saves TorchSharp weights (<c>module.save</c>) with a JSON sidecar that says what they are.</summary>
public sealed class CheckpointWriter(string directory, TrainingOptions options)
{
    public void Save(nn.Module<Tensor, Tensor> model, string name, int epoch, double learningRate, double? valAuc)
    {
        string weights = Path.Combine(directory, name + ".pt");
        string temporary = weights + ".tmp";
        model.save(temporary); // write then rename, so an interrupted save never leaves a truncated checkpoint
        File.Move(temporary, weights, overwrite: true);
        TrainingJson.Write(Path.Combine(directory, name + ".json"), new CheckpointSidecar(
            name + ".pt", options.Arch, epoch, learningRate, valAuc, options.Seed, options,
            typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown", DateTimeOffset.UtcNow));
    }
}
