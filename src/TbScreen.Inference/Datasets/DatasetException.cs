namespace TbScreen.Inference.Datasets;

/// <summary>A dataset (manifest, layout, split file) is malformed; the message names the file and, where known, the line.</summary>
public sealed class DatasetException(string message, string? path = null, int? line = null, Exception? inner = null)
    : Exception(Format(message, path, line), inner)
{
    public string? FilePath { get; } = path;

    public int? Line { get; } = line;

    /// <summary>The message without the file and line.</summary>
    public string Reason { get; } = message;

    private static string Format(string message, string? path, int? line) =>
        path is null ? message : line is int n ? $"{path}:{n}: {message}" : $"{path}: {message}";
}
