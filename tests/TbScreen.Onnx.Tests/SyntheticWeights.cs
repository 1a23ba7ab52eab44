namespace TbScreen.Onnx.Tests;

/// <summary>Seeded random state_dicts with TorchVision's names, at full or reduced (pruned) widths.</summary>
internal static class SyntheticWeights
{
    public sealed record AlexNetWidths(int[] Convs, int Hidden1, int Hidden2, int Classes = 2)
    {
        public static readonly AlexNetWidths Full = new([64, 192, 384, 256, 256], 4096, 4096);
        public static readonly AlexNetWidths Slim = new([64, 192, 384, 256, 256], 512, 512);
        public static readonly AlexNetWidths Tiny = new([16, 24, 32, 24, 20], 32, 16);
    }

    public static Dictionary<string, (float[] Data, long[] Shape)> AlexNet(AlexNetWidths widths, int seed = 1)
    {
        var rng = new Random(seed);
        var d = new Dictionary<string, (float[], long[])>();
        int[] layers = [0, 3, 6, 8, 10];
        int[] kernels = [11, 5, 3, 3, 3];
        int inC = 3;
        for (int i = 0; i < layers.Length; i++)
        {
            Conv(d, rng, $"features.{layers[i]}", widths.Convs[i], inC, kernels[i], bias: true);
            inC = widths.Convs[i];
        }
        Linear(d, rng, "classifier.1", widths.Hidden1, inC * 36);
        Linear(d, rng, "classifier.4", widths.Hidden2, widths.Hidden1);
        Linear(d, rng, "classifier.6", widths.Classes, widths.Hidden2);
        return d;
    }

    /// <summary>Inception widths: ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj.</summary>
    public static readonly int[][] GoogLeNetFull =
    [
        [64, 96, 128, 16, 32, 32], [128, 128, 192, 32, 96, 64],
        [192, 96, 208, 16, 48, 64], [160, 112, 224, 24, 64, 64], [128, 128, 256, 24, 64, 64], [112, 144, 288, 32, 64, 64], [256, 160, 320, 32, 128, 128],
        [256, 160, 320, 32, 128, 128], [384, 192, 384, 48, 128, 128],
    ];

    public static readonly string[] Blocks = ["3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b"];

    /// <summary>GoogLeNet with every width multiplied by <paramref name="scale"/> (0.5 mimics structured pruning).</summary>
    public static Dictionary<string, (float[] Data, long[] Shape)> GoogLeNet(double scale = 1.0, int seed = 2, bool withAux = false)
    {
        int S(int c) => Math.Max(1, (int)Math.Round(c * scale));
        var rng = new Random(seed);
        var d = new Dictionary<string, (float[], long[])>();
        BasicConv(d, rng, "conv1", S(64), 3, 7);
        BasicConv(d, rng, "conv2", S(64), S(64), 1);
        BasicConv(d, rng, "conv3", S(192), S(64), 3);
        int inC = S(192);
        for (int b = 0; b < Blocks.Length; b++)
        {
            var c = GoogLeNetFull[b].Select(S).ToArray();
            string p = "inception" + Blocks[b];
            BasicConv(d, rng, p + ".branch1", c[0], inC, 1);
            BasicConv(d, rng, p + ".branch2.0", c[1], inC, 1);
            BasicConv(d, rng, p + ".branch2.1", c[2], c[1], 3);
            BasicConv(d, rng, p + ".branch3.0", c[3], inC, 1);
            BasicConv(d, rng, p + ".branch3.1", c[4], c[3], 3);
            BasicConv(d, rng, p + ".branch4.1", c[5], inC, 1);
            inC = c[0] + c[2] + c[4] + c[5];
        }
        Linear(d, rng, "fc", 2, inC);
        if (withAux) Linear(d, rng, "aux1.fc2", 2, 1024);
        return d;
    }

    private static void Conv(Dictionary<string, (float[], long[])> d, Random rng, string name, int outC, int inC, int k, bool bias)
    {
        float scale = MathF.Sqrt(2f / (inC * k * k)) * 1.7f; // uniform with He variance: activations neither vanish nor explode
        d[name + ".weight"] = (NaiveOps.Random(rng, outC * inC * k * k, scale), [outC, inC, k, k]);
        if (bias) d[name + ".bias"] = (NaiveOps.Random(rng, outC, 0.1f), [outC]);
    }

    private static void BasicConv(Dictionary<string, (float[], long[])> d, Random rng, string name, int outC, int inC, int k)
    {
        Conv(d, rng, name + ".conv", outC, inC, k, bias: false);
        d[name + ".bn.weight"] = (NaiveOps.Random(rng, outC, 0.5f).Select(v => v + 1f).ToArray(), [outC]);
        d[name + ".bn.bias"] = (NaiveOps.Random(rng, outC, 0.2f), [outC]);
        d[name + ".bn.running_mean"] = (NaiveOps.Random(rng, outC, 0.2f), [outC]);
        d[name + ".bn.running_var"] = (NaiveOps.Random(rng, outC, 0.5f).Select(v => v + 1f).ToArray(), [outC]);
        d[name + ".bn.num_batches_tracked"] = ([0f], []);
    }

    private static void Linear(Dictionary<string, (float[], long[])> d, Random rng, string name, int outF, int inF)
    {
        d[name + ".weight"] = (NaiveOps.Random(rng, outF * inF, MathF.Sqrt(3f / inF)), [outF, inF]);
        d[name + ".bias"] = (NaiveOps.Random(rng, outF, 0.1f), [outF]);
    }
}
