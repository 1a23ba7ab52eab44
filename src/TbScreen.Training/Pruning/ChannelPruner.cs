using TbScreen.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Pruning;

/// <summary>
/// Structured pruning: removes whole conv channels / FC neurons by the L1 norm of their filters and rebuilds a
/// smaller dense net. Every prunable layer loses ceil(rate × width) of its output channels (at least one is kept);
/// the consumers of that layer lose the matching input columns: AlexNet's first FC loses 36 per channel of the
/// last conv (the 6x6 flatten), and an inception block's four branches feed the next block and the fc through a
/// concat, whose offsets <see cref="ChannelTopology"/> supplies. Batch-norm channels go with their conv.
/// </summary>
public static class ChannelPruner
{
    /// <summary>Local indices (into the current widths) of the channels each prunable layer keeps, ascending.</summary>
    public static Dictionary<string, long[]> SelectByL1(nn.Module model, string arch, ModelOptions modelOptions, double rate)
    {
        if (rate is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The pruning rate must be in (0, 1).");
        }

        using var scope = NewDisposeScope();
        var state = model.state_dict();
        var keep = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var layer in ChannelTopology.For(arch, modelOptions).Where(l => l.Prunable))
        {
            var weight = state[WeightName(arch, layer)].detach();
            var l1 = weight.abs().flatten(1).sum(1);
            int remove = Math.Min((int)Math.Ceiling(rate * layer.Width), layer.Width - 1);
            var order = l1.sort(dim: 0, descending: false, stable: true).Indices;
            keep[layer.Name] = order.narrow(0, remove, layer.Width - remove).sort().Values.data<long>().ToArray();
        }

        return keep;
    }

    /// <summary>
    /// Slices a state dict (name → tensor, shaped by <paramref name="modelOptions"/>) down to the kept channels.
    /// Layers missing from <paramref name="keep"/> keep all their channels. Returns new tensors.
    /// </summary>
    public static Dictionary<string, Tensor> Slice(IReadOnlyDictionary<string, Tensor> state, string arch, ModelOptions modelOptions, IReadOnlyDictionary<string, long[]> keep)
    {
        var layers = ChannelTopology.For(arch, modelOptions);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var handled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            using var outKeep = tensor(KeptOutputs(layer, keep));
            using var inKeep = tensor(KeptInputs(layers, layer, keep));
            string weightName = WeightName(arch, layer);
            var weight = Require(state, weightName);
            result[weightName] = weight.detach().index_select(0, outKeep).index_select(1, inKeep).contiguous();
            handled.Add(weightName);
            foreach (string name in VectorNames(arch, layer).Where(state.ContainsKey))
            {
                result[name] = state[name].detach().index_select(0, outKeep).contiguous();
                handled.Add(name);
            }
        }

        foreach (var (name, value) in state.Where(p => !handled.Contains(p.Key)))
        {
            result[name] = value.detach().clone();
        }

        return result;
    }

    /// <summary>Widths after keeping <paramref name="keep"/>; other layers keep theirs.</summary>
    public static Dictionary<string, int> WidthsAfter(string arch, ModelOptions modelOptions, IReadOnlyDictionary<string, long[]> keep) =>
        ChannelTopology.For(arch, modelOptions).Where(l => l.Prunable)
            .ToDictionary(l => l.Name, l => keep.TryGetValue(l.Name, out var k) ? k.Length : l.Width, StringComparer.Ordinal);

    /// <summary>Builds the smaller net for <paramref name="sliced"/> and copies the weights in (shapes must agree).</summary>
    public static nn.Module<Tensor, Tensor> Build(string arch, ModelOptions smallerOptions, IReadOnlyDictionary<string, Tensor> sliced)
    {
        var model = ModelFactory.Create(arch, smallerOptions);
        try
        {
            CopyInto(model, sliced);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Copies every entry of <paramref name="source"/> into the model's state (parameters and buffers).</summary>
    public static void CopyInto(nn.Module model, IReadOnlyDictionary<string, Tensor> source)
    {
        using var noGrad = no_grad();
        var state = model.state_dict();
        foreach (var (name, target) in state)
        {
            var value = Require(source, name);
            if (!value.shape.SequenceEqual(target.shape))
            {
                throw new ArgumentException($"'{name}' has shape [{string.Join(",", value.shape)}]; the model wants [{string.Join(",", target.shape)}].");
            }

            target.copy_(value);
        }
    }

    /// <summary>
    /// The masked equivalent of pruning: zeroes the removed channels' filters, biases and batch-norm scale and shift
    /// in place, so each removed channel outputs exactly zero after its ReLU. (Used to check the rebuild.)
    /// </summary>
    public static void ZeroRemoved(nn.Module model, string arch, ModelOptions modelOptions, IReadOnlyDictionary<string, long[]> keep)
    {
        using var noGrad = no_grad();
        var state = model.state_dict();
        foreach (var layer in ChannelTopology.For(arch, modelOptions).Where(l => keep.ContainsKey(l.Name)))
        {
            long[] removed = Enumerable.Range(0, layer.Width).Select(i => (long)i).Except(keep[layer.Name]).ToArray();
            if (removed.Length == 0)
            {
                continue;
            }

            using var index = tensor(removed);
            state[WeightName(arch, layer)].index_fill_(0, index, 0);
            foreach (string name in VectorNames(arch, layer).Where(n => state.ContainsKey(n) && !n.EndsWith("running_mean", StringComparison.Ordinal) && !n.EndsWith("running_var", StringComparison.Ordinal)))
            {
                state[name].index_fill_(0, index, 0);
            }
        }
    }

    /// <summary>Conv and linear weights of a model (what compression counts): every *.weight of rank 2 or more.</summary>
    public static long PrunableWeightCount(nn.Module model) =>
        model.named_parameters().Where(p => WeightMasks.IsPrunable(p.name, p.parameter)).Sum(p => p.parameter.numel());

    /// <summary>Composes this round's local keep indices with the earlier rounds' original indices.</summary>
    public static Dictionary<string, long[]> Compose(IReadOnlyDictionary<string, long[]> original, IReadOnlyDictionary<string, long[]> local) =>
        local.ToDictionary(p => p.Key, p => original.TryGetValue(p.Key, out var before) ? p.Value.Select(i => before[i]).ToArray() : p.Value, StringComparer.Ordinal);

    public static string WeightName(string arch, LayerSpec layer) =>
        arch == ModelFactory.GoogLeNet && layer.BatchNorm ? layer.Name + ".conv.weight" : layer.Name + ".weight";

    private static IEnumerable<string> VectorNames(string arch, LayerSpec layer) => arch == ModelFactory.GoogLeNet && layer.BatchNorm
        ? [layer.Name + ".bn.weight", layer.Name + ".bn.bias", layer.Name + ".bn.running_mean", layer.Name + ".bn.running_var"]
        : [layer.Name + ".bias"];

    private static long[] KeptOutputs(LayerSpec layer, IReadOnlyDictionary<string, long[]> keep) =>
        layer.Prunable && keep.TryGetValue(layer.Name, out var k) ? k : Enumerable.Range(0, layer.Width).Select(i => (long)i).ToArray();

    private static long[] KeptInputs(IReadOnlyList<LayerSpec> layers, LayerSpec layer, IReadOnlyDictionary<string, long[]> keep)
    {
        if (layer.Inputs.Count == 0)
        {
            return Enumerable.Range(0, ChannelTopology.ImageChannels).Select(i => (long)i).ToArray();
        }

        var columns = new List<long>();
        long offset = 0;
        int m = layer.InputMultiplier;
        foreach (string input in layer.Inputs)
        {
            var producer = ChannelTopology.Get(layers, input);
            foreach (long channel in KeptOutputs(producer, keep))
            {
                for (int j = 0; j < m; j++)
                {
                    columns.Add(offset + channel * m + j);
                }
            }

            offset += (long)producer.Width * m;
        }

        return [.. columns];
    }

    private static Tensor Require(IReadOnlyDictionary<string, Tensor> state, string name) =>
        state.TryGetValue(name, out var value) ? value : throw new ArgumentException($"The state dict has no '{name}'.");
}
