namespace TbScreen.Training.Pretrained;

/// <summary>The pretrained weights file is missing, unreadable, or not the graph the converter expects; names the file and the reason.</summary>
public sealed class PretrainedWeightsException(string path, string reason, Exception? inner = null)
    : Exception($"{path}: {reason}", inner)
{
    public string Path { get; } = path;

    public string Reason { get; } = reason;
}
