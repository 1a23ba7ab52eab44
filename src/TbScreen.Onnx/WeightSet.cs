using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx;

/// <summary>
/// The named weights of one net, as in a TorchVision state_dict. Records which keys the architecture used, so that a
/// state_dict of another net (or one with misspelt keys) is refused rather than silently half-exported.
/// </summary>
internal sealed class WeightSet
{
    private readonly IReadOnlyDictionary<string, (float[] Data, long[] Shape)> _weights;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public WeightSet(IReadOnlyDictionary<string, (float[] Data, long[] Shape)> weights) => _weights = weights;

    public bool Contains(string name) => _weights.ContainsKey(name);

    public Weight Get(string name)
    {
        if (!_weights.TryGetValue(name, out var entry))
            throw new OnnxExportException($"Weight '{name}' is missing.");
        long count = entry.Shape.Aggregate(1L, (a, d) => a * d);
        if (entry.Shape.Any(d => d < 1) || count != entry.Data.Length)
            throw new OnnxExportException($"Weight '{name}' has shape [{string.Join(",", entry.Shape)}] but {entry.Data.Length} values.");
        _used.Add(name);
        return new Weight(name, entry.Data, entry.Shape);
    }

    /// <summary>BatchNorm2d under <paramref name="prefix"/> (weight, bias, running_mean, running_var).</summary>
    public BatchNormWeights BatchNorm(string prefix, double epsilon) => new(
        Get(prefix + ".weight"), Get(prefix + ".bias"), Get(prefix + ".running_mean"), Get(prefix + ".running_var"), epsilon);

    /// <summary>Throws when keys remain unused, other than those the architecture says it ignores.</summary>
    public void RequireAllUsed(Func<string, bool> ignored)
    {
        var unused = _weights.Keys.Where(k => !_used.Contains(k) && !ignored(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
            throw new OnnxExportException($"{unused.Count} weight(s) not part of this architecture: {string.Join(", ", unused.Take(8))}{(unused.Count > 8 ? ", ..." : "")}.");
    }
}
