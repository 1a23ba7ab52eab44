namespace TbScreen.Training.Robustness;

/// <summary>A robustness run cannot go on; the message names the file(s) and the reason.</summary>
public class RobustnessException(string path, string reason, Exception? inner = null) : Exception($"{path}: {reason}", inner)
{
    public string FilePath { get; } = path;

    public string Reason { get; } = reason;
}

/// <summary>A TorchSharp checkpoint does not reproduce its bundle's ONNX model: it is not the checkpoint that bundle was exported from.</summary>
public sealed class CheckpointParityException(string checkpointPath, string onnxPath, double maxDifference, double tolerance)
    : RobustnessException(checkpointPath,
        $"does not match {onnxPath}: max |P_torch - P_onnx| = {maxDifference:G4} on the parity images, above the tolerance {tolerance:G2}; pass the checkpoint this bundle was exported from (--checkpoint NAME=PATH)")
{
    public string OnnxPath { get; } = onnxPath;

    public double MaxDifference { get; } = maxDifference;
}
