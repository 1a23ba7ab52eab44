using TbScreen.Training.Models;
using static TorchSharp.torch;

namespace TbScreen.Training.Training;

/// <summary>Reads a checkpoint back: its sidecar says which architecture and shape to build before loading weights.</summary>
public static class Checkpoints
{
    public static CheckpointSidecar ReadSidecar(string checkpointPath) =>
        TrainingJson.Read<CheckpointSidecar>(Path.ChangeExtension(checkpointPath, ".json"));

    public static (nn.Module<Tensor, Tensor> Model, CheckpointSidecar Sidecar) Load(string checkpointPath)
    {
        var sidecar = ReadSidecar(checkpointPath);
        // The checkpoint holds every weight: do not read the ImageNet file first.
        var model = ModelFactory.Create(sidecar.Arch, sidecar.Options.Model with { Pretrained = false });
        model.load(checkpointPath);
        model.eval();
        return (model, sidecar);
    }
}
