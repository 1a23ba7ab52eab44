using TbScreen.Training.Segmentation;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests.Segmentation;

public sealed class UNetTests
{
    [Fact]
    public void One_logit_per_pixel_at_the_input_size()
    {
        using var net = new UNet(new UNetOptions { Depth = 3, BaseWidth = 4 });
        net.eval();
        using var input = zeros(2, 1, 24, 40);

        using var output = net.forward(input);

        Assert.Equal(new long[] { 2, 1, 24, 40 }, output.shape);
    }

    [Fact]
    public void The_shipped_shape_has_the_parameter_names_the_exporter_reads()
    {
        using var net = new UNet(new UNetOptions());
        var names = net.state_dict().Keys.ToHashSet();

        Assert.Contains("down.0.0.weight", names);
        Assert.Contains("down.3.4.running_var", names);
        Assert.Contains("bottom.3.weight", names);
        Assert.Contains("up.0.weight", names);
        Assert.Contains("decode.3.1.weight", names);
        Assert.Contains("head.bias", names);
        Assert.DoesNotContain("down.4.0.weight", names);
        // 3x3 kernels at widths 16..256 with a 2x2 transposed conv per level: about 1.9 M weights, under 8 MB in float32.
        long count = net.parameters().Sum(p => p.numel());
        Assert.InRange(count, 1_800_000, 2_000_000);
    }

    [Fact]
    public void An_input_that_does_not_halve_evenly_is_refused()
    {
        using var net = new UNet(new UNetOptions { Depth = 2, BaseWidth = 2 });
        using var input = zeros(1, 1, 30, 32);

        var e = Assert.Throws<ArgumentException>(() => net.forward(input));
        Assert.Contains("multiples of 4", e.Message);
    }
}
