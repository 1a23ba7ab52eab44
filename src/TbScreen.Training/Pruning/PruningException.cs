namespace TbScreen.Training.Pruning;

/// <summary>A pruning run cannot start or continue; names the file at fault and what to do.</summary>
public sealed class PruningException(string path, string reason) : Exception($"{path}: {reason}")
{
    public string Path { get; } = path;

    public string Reason { get; } = reason;
}
