using static TbScreen.Onnx.Tests.SyntheticWeights;

namespace TbScreen.Onnx.Tests;

public class ExportValidationTests
{
    private static readonly OnnxExportOptions Small = new() { InputHeight = 64, InputWidth = 64 };

    [Fact]
    public void A_missing_weight_is_named()
    {
        var weights = AlexNet(AlexNetWidths.Tiny);
        weights.Remove("classifier.4.bias");
        var ex = Assert.Throws<OnnxExportException>(() => OnnxModelExporter.Export("alexnet", weights, Small));
        Assert.Contains("classifier.4.bias", ex.Message);
    }

    [Fact]
    public void A_weight_of_another_net_is_refused()
    {
        var weights = AlexNet(AlexNetWidths.Tiny);
        weights["layer1.0.conv1.weight"] = ([1f], [1, 1, 1, 1]);
        var ex = Assert.Throws<OnnxExportException>(() => OnnxModelExporter.Export("alexnet", weights, Small));
        Assert.Contains("layer1.0.conv1.weight", ex.Message);
    }

    [Fact]
    public void Aux_heads_and_num_batches_tracked_are_ignored()
    {
        OnnxModelExporter.Export("GoogLeNet", GoogLeNet(0.125, withAux: true), Small);
    }

    [Fact]
    public void Data_that_does_not_fill_its_shape_is_refused()
    {
        var weights = AlexNet(AlexNetWidths.Tiny);
        weights["features.0.bias"] = (new float[3], [16]);
        Assert.Throws<OnnxExportException>(() => OnnxModelExporter.Export("alexnet", weights, Small));
    }

    [Fact]
    public void A_mis_pruned_layer_fails_with_its_name()
    {
        // features.3 pruned to 20 outputs, but features.6 still expects 24 inputs.
        var weights = AlexNet(AlexNetWidths.Tiny);
        weights["features.3.weight"] = (new float[20 * 16 * 25], [20, 16, 5, 5]);
        weights["features.3.bias"] = (new float[20], [20]);
        var ex = Assert.Throws<OnnxExportException>(() => OnnxModelExporter.Export("alexnet", weights, Small));
        Assert.Contains("features.6.weight", ex.Message);
    }

    [Fact]
    public void Unknown_architecture_CAM_on_AlexNet_and_reserved_metadata_are_refused()
    {
        Assert.Throws<OnnxExportException>(() => OnnxModelExporter.Export("resnet18", AlexNet(AlexNetWidths.Tiny), Small));
        Assert.Throws<OnnxExportException>(() => OnnxModelExporter.Export("alexnet", AlexNet(AlexNetWidths.Tiny), Small with { IncludeCam = true }));
        Assert.Throws<OnnxExportException>(() => OnnxModelExporter.Export("alexnet", AlexNet(AlexNetWidths.Tiny),
            Small with { Metadata = new Dictionary<string, string> { ["tbscreen.architecture"] = "x" } }));
    }

    [Fact]
    public void ExportToFile_creates_the_folder_and_returns_the_size()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tbscreen-onnx-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = Path.Combine(dir, "alexnet", "model.onnx");
            long size = OnnxModelExporter.ExportToFile(path, "alexnet", AlexNet(AlexNetWidths.Tiny), Small);
            Assert.Equal(new FileInfo(path).Length, size);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
