namespace TbScreen.Inference.Runtime;

/// <summary>A raw class activation map straight from the graph: Height x Width, row-major, not normalised.</summary>
public sealed record CamMap(int Height, int Width, float[] Values);

/// <summary>One image's output: softmax probabilities per label, the TB probability, and the CAM when the graph has one.</summary>
public sealed record ModelPrediction(float[] Probabilities, float TbProbability, CamMap? Cam)
{
    /// <summary>The penultimate feature vector (metadata onnx.features), or null when the bundle has no such output.</summary>
    public float[]? Features { get; init; }

    /// <summary>Distance over the bundle's ood.json threshold (above 1: unfamiliar), or null without features or ood.json.</summary>
    public double? Unfamiliarity { get; init; }
}
