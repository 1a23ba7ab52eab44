using Xunit.Abstractions;
using static TbScreen.Onnx.Tests.SyntheticWeights;

namespace TbScreen.Onnx.Tests;

/// <summary>File sizes against the 100 MB budget for models/ (raw weights dominate; graph overhead is a few kB).</summary>
public class ModelSizeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("alexnet", 512, false, 30.0)]
    [InlineData("alexnet", 512, true, 15.0)]
    [InlineData("alexnet", 4096, false, 245.0)]
    [InlineData("alexnet", 4096, true, 123.0)]
    [InlineData("googlenet", 0, false, 24.0)]
    [InlineData("googlenet", 0, true, 12.0)]
    public void Exported_size_is_about_the_weights(string arch, int hidden, bool fp16, double maxMegabytes)
    {
        var weights = arch == "alexnet" ? AlexNet(AlexNetWidths.Slim with { Hidden1 = hidden, Hidden2 = hidden }) : GoogLeNet();
        long parameters = weights.Where(kv => !kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Sum(kv => (long)kv.Value.Data.Length);

        long bytes = OnnxModelExporter.Export(arch, weights, new OnnxExportOptions { Float16Weights = fp16 }).LongLength;

        double mb = bytes / 1e6;
        output.WriteLine($"{arch}{(hidden > 0 ? $" hidden {hidden}" : "")} {(fp16 ? "fp16" : "fp32")}: {mb:F1} MB for {parameters / 1e6:F2} M parameters");
        Assert.InRange(mb, parameters * (fp16 ? 2 : 4) / 1e6 * 0.9, maxMegabytes);
    }
}
