using TbScreen.Training.Models;
using static TorchSharp.torch;

namespace TbScreen.Training.Pretrained;

/// <summary>
/// Copies the package's ImageNet ResNet-18 (read by <see cref="ResNet18OnnxGraph"/>) into a TorchSharp module with
/// TorchVision names. The ONNX file is a feature extractor without a classifier, so <c>fc</c> keeps its fresh
/// initialisation (our 2-class head), as do our input buffers and BatchNorm's num_batches_tracked.
/// </summary>
public static class ResNet18Converter
{
    private static readonly Lazy<ResNet18OnnxGraph.Contents> Package = new(() => ResNet18OnnxGraph.Read(ResNet18OnnxFile.Resolve()));

    /// <summary>The converted weights of the restored package, read once per process (45 MB of floats).</summary>
    public static ResNet18OnnxGraph.Contents ImageNet => Package.Value;

    /// <summary>Loads the package's ImageNet weights into <paramref name="model"/>; returns how many tensors were copied.</summary>
    public static int LoadImageNet(nn.Module model)
    {
        var contents = ImageNet;
        if (!contents.BlocksPerLayer.SequenceEqual(ResNet18Classifier.BlocksPerLayer))
            throw new PretrainedWeightsException(ResNet18OnnxFile.Resolve(),
                $"blocks per stage [{string.Join(",", contents.BlocksPerLayer)}], but {nameof(ResNet18Classifier)} builds [{string.Join(",", ResNet18Classifier.BlocksPerLayer)}].");
        return LoadInto(model, contents.Weights, ResNet18OnnxFile.Resolve());
    }

    /// <summary>
    /// Copies every converted weight into the module's state_dict entry of the same name, checking shapes. Entries of the
    /// module left untouched must be fc.*, num_batches_tracked or the input buffers; converted weights with no entry throw.
    /// </summary>
    public static int LoadInto(nn.Module model, IReadOnlyDictionary<string, (float[] Data, long[] Shape)> weights, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        var state = model.state_dict();
        var missing = weights.Keys.Where(k => !state.ContainsKey(k)).ToList();
        if (missing.Count > 0) throw new PretrainedWeightsException(source, $"the module has no entry for {string.Join(", ", missing.Take(5))}.");
        var untouched = state.Keys.Where(k => !weights.ContainsKey(k) && !MayStayFresh(k)).ToList();
        if (untouched.Count > 0) throw new PretrainedWeightsException(source, $"no converted weight for {string.Join(", ", untouched.Take(5))}.");

        using var noGrad = no_grad();
        foreach (var (name, (data, shape)) in weights)
        {
            var target = state[name];
            if (!target.shape.SequenceEqual(shape))
                throw new PretrainedWeightsException(source, $"'{name}' is [{string.Join(",", shape)}] in the file but [{string.Join(",", target.shape)}] in the module.");
            using var value = tensor(data, shape, dtype: target.dtype, device: target.device);
            target.copy_(value);
        }

        return weights.Count;
    }

    private static bool MayStayFresh(string name) =>
        name.StartsWith("fc.", StringComparison.Ordinal) || name.EndsWith(".num_batches_tracked", StringComparison.Ordinal)
        || name is "input_scale" or "input_shift";

    /// <summary>A fresh <see cref="ResNet18Classifier"/> with ImageNet weights and a randomly initialised head.</summary>
    public static ResNet18Classifier CreatePretrained(int numClasses)
    {
        var model = new ResNet18Classifier(numClasses);
        LoadImageNet(model);
        return model;
    }
}
