namespace TbScreen.Inference.Evaluation;

/// <summary>One labelled image of a manifest. <see cref="Path"/> is resolved against the manifest's folder.</summary>
public sealed record ManifestRow(int Line, string File, string Path, bool IsTb, string Source, string? Sex, double? Age, string? Split, string? Findings = null);

/// <summary>A manifest or split file cannot be read; the message names the file and the line.</summary>
public sealed class ManifestException(string path, string reason, int? line = null)
    : Exception(line is int l ? $"{path}:{l}: {reason}" : $"{path}: {reason}");
