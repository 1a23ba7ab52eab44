using TbScreen.Onnx;
using static TorchSharp.torch;

namespace TbScreen.Training.Export;

/// <summary>Exports a trained TorchSharp model (TorchVision parameter names) to ONNX bytes or a file.</summary>
public static class TorchOnnxExport
{
    public static byte[] Export(nn.Module model, string architecture, OnnxExportOptions options) =>
        OnnxModelExporter.Export(architecture, StateDictWeights.From(model), options);

    /// <summary>Returns the file size in bytes.</summary>
    public static long ExportToFile(nn.Module model, string architecture, string path, OnnxExportOptions options) =>
        OnnxModelExporter.ExportToFile(path, architecture, StateDictWeights.From(model), options);
}
