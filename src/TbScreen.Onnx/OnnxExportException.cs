namespace TbScreen.Onnx;

/// <summary>An export failed: a missing or mis-shaped weight, an unknown architecture, or an input size the net cannot take.</summary>
public sealed class OnnxExportException(string message) : Exception(message);
