using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TbScreen.Training.Pruning;

/// <summary>
/// Unstructured pruning masks (1 = kept, 0 = pruned) over the conv and linear weights of a model: every parameter
/// named *.weight of rank 2 or more. Biases and batch-norm parameters are never pruned. The masks are enforced
/// through training as hooks around the optimiser step: gradients of pruned weights are zeroed before the step
/// and the weights are re-zeroed after it, so neither AdamW's moments nor its decoupled weight decay can
/// resurrect a pruned weight.
/// </summary>
public sealed class WeightMasks : Training.IStepHooks, IDisposable
{
    private readonly List<(string Name, Parameter Weight, Tensor Mask)> _entries;

    private WeightMasks(List<(string, Parameter, Tensor)> entries) => _entries = entries;

    public IEnumerable<string> Names => _entries.Select(e => e.Name);

    /// <summary>Weights the masks cover (kept + pruned).</summary>
    public long Total => _entries.Sum(e => e.Mask.numel());

    public long Remaining => _entries.Sum(e => (long)e.Mask.sum().item<float>());

    public double Sparsity => 1 - (double)Remaining / Total;

    public static bool IsPrunable(string name, Tensor parameter) => name.EndsWith(".weight", StringComparison.Ordinal) && parameter.dim() >= 2;

    /// <summary>All-ones masks bound to <paramref name="model"/>'s prunable weights.</summary>
    public static WeightMasks Dense(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var entries = new List<(string, Parameter, Tensor)>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (IsPrunable(name, parameter))
            {
                entries.Add((name, parameter, ones_like(parameter).requires_grad_(false)));
            }
        }

        return new WeightMasks(entries);
    }

    /// <summary>The mask of one weight (a view; do not dispose).</summary>
    public Tensor this[string name] => _entries.First(e => e.Name == name).Mask;

    /// <summary>Binds copies of these masks to another model with the same prunable weights (shapes checked).</summary>
    public WeightMasks BindTo(nn.Module model)
    {
        var bound = Dense(model);
        foreach (var (name, _, mask) in bound._entries)
        {
            var source = _entries.FirstOrDefault(e => e.Name == name).Mask ?? throw new ArgumentException($"No mask for '{name}'.");
            if (!source.shape.SequenceEqual(mask.shape))
            {
                throw new ArgumentException($"Mask '{name}' has shape [{string.Join(",", source.shape)}], the weight [{string.Join(",", mask.shape)}].");
            }

            mask.copy_(source);
        }

        return bound;
    }

    /// <summary>The classifier's weight: the last prunable weight in parameter order (fc.weight for GoogLeNet).</summary>
    public string OutputLayer => _entries[^1].Name;

    /// <summary>
    /// Global magnitude pruning: removes ceil(<paramref name="rate"/> × remaining) of the still-unpruned weights, those
    /// of smallest |w| across all layers together (ties broken by position, so exactly that many go). Returns the count.
    /// Weights named in <paramref name="excluded"/> are neither pruned nor counted in "remaining" (Renda et al.'s
    /// framework leaves the output layer out: without BatchNorm behind it, its small weights would go first and one
    /// global threshold can empty it, which makes the output constant).
    /// </summary>
    public long PruneGlobalMagnitude(double rate, IReadOnlyCollection<string>? excluded = null)
    {
        if (rate is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The pruning rate must be in (0, 1).");
        }

        excluded ??= [];
        var unknown = excluded.Where(name => _entries.All(e => e.Name != name)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"Not prunable weights of this model: {string.Join(", ", unknown)}.", nameof(excluded));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Pruned and excluded weights score +inf so they are never picked; the smallest scores are the weights to prune.
        var scores = cat(_entries.Select(e => excluded.Contains(e.Name)
            ? full_like(e.Weight, float.PositiveInfinity).flatten()
            : where(e.Mask > 0, e.Weight.detach().abs(), float.PositiveInfinity).flatten()).ToArray());
        long remaining = _entries.Where(e => !excluded.Contains(e.Name)).Sum(e => (long)e.Mask.sum().item<float>());
        long count = (long)Math.Ceiling(rate * remaining);
        count = Math.Min(count, remaining - 1);
        if (count <= 0)
        {
            return 0;
        }

        var order = scores.sort(dim: 0, descending: false, stable: true).Indices;
        var flat = cat(_entries.Select(e => e.Mask.flatten()).ToArray()); // already-pruned weights stay pruned
        flat.index_fill_(0, order.narrow(0, 0, count), 0);
        long offset = 0;
        foreach (var (_, weight, mask) in _entries)
        {
            long n = mask.numel();
            mask.copy_(flat.narrow(0, offset, n).view(mask.shape));
            offset += n;
        }

        Apply();
        return count;
    }

    /// <summary>Zeroes every pruned weight in place.</summary>
    public void Apply()
    {
        using var noGrad = no_grad();
        foreach (var (_, weight, mask) in _entries)
        {
            weight.mul_(mask);
        }
    }

    public void AfterBackward()
    {
        using var noGrad = no_grad();
        foreach (var (_, weight, mask) in _entries)
        {
            weight.grad?.mul_(mask);
        }
    }

    public void AfterStep() => Apply();

    /// <summary>name, numel, then one byte per weight (0/1).</summary>
    public void Save(string path)
    {
        string temporary = path + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temporary)))
        {
            writer.Write(_entries.Count);
            foreach (var (name, _, mask) in _entries)
            {
                writer.Write(name);
                writer.Write(mask.numel());
                writer.Write(mask.flatten().to_type(ScalarType.Byte).data<byte>().ToArray());
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads masks saved by <see cref="Save"/> and binds them to <paramref name="model"/>.</summary>
    public static WeightMasks Load(string path, nn.Module model)
    {
        var masks = Dense(model);
        using var reader = new BinaryReader(File.OpenRead(path));
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            long n = reader.ReadInt64();
            byte[] bits = reader.ReadBytes(checked((int)n));
            var entry = masks._entries.FirstOrDefault(e => e.Name == name);
            if (entry.Mask is null || entry.Mask.numel() != n || bits.Length != n)
            {
                throw new PruningException(path, $"mask '{name}' ({n} values) does not fit the model");
            }

            using var loaded = tensor(bits).to_type(ScalarType.Float32).view(entry.Mask.shape);
            entry.Mask.copy_(loaded);
        }

        if (count != masks._entries.Count)
        {
            throw new PruningException(path, $"holds {count} masks; the model has {masks._entries.Count} prunable weights");
        }

        masks.Apply();
        return masks;
    }

    public void Dispose()
    {
        foreach (var (_, _, mask) in _entries)
        {
            mask.Dispose();
        }
    }
}
