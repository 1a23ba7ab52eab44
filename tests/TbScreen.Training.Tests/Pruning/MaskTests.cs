using TbScreen.Training.Pruning;
using TbScreen.Training.Tests.Fixtures;
using TbScreen.Training.Training;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

using static TbScreen.Training.Tests.Pruning.TensorSame;

namespace TbScreen.Training.Tests.Pruning;

public class MaskTests
{
    /// <summary>The same small net for the same generator state: its weights come from <paramref name="generator"/>.</summary>
    private static nn.Module<Tensor, Tensor> SmallNet(Generator generator)
    {
        var net = nn.Sequential(
            ("conv", nn.Conv2d(3, 8, 3, padding: 1)),
            ("relu", nn.ReLU()),
            ("pool", nn.AdaptiveAvgPool2d(new long[] { 2, 2 })),
            ("flat", nn.Flatten()),
            ("fc", nn.Linear(32, 2)));
        SeededInit.Apply(net, generator);
        return net;
    }

    private static void Train(nn.Module<Tensor, Tensor> model, IStepHooks? hooks, int steps, Generator generator)
    {
        using var optimizer = optim.AdamW(model.parameters(), 0.01, weight_decay: 0.1);
        model.train();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var x = randn([6, 3, 8, 8], generator: generator);
            var y = tensor(new long[] { 0, 1, 0, 1, 1, 0 });
            var loss = F.cross_entropy(model.forward(x), y);
            optimizer.zero_grad();
            loss.backward();
            hooks?.AfterBackward();
            optimizer.step();
            hooks?.AfterStep();
        }
    }

    [Fact]
    public void Pruned_weights_stay_exactly_zero_through_AdamW_with_weight_decay()
    {
        using var generator = new Generator(3);
        using var model = SmallNet(generator);
        using var masks = WeightMasks.Dense(model);
        Train(model, masks, 5, generator); // the optimizer's moments are built before pruning in real runs too
        masks.PruneGlobalMagnitude(0.5);
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        Train(model, masks, 30, generator);
        foreach (string name in masks.Names)
        {
            var weight = model.state_dict()[name];
            var pruned = masks[name] == 0;
            Assert.True(pruned.any().item<bool>(), $"{name} has pruned weights");
            Assert.Equal(0f, weight.masked_select(pruned).abs().max().item<float>());
            Assert.False(Same(weight.masked_select(~pruned), before[name].masked_select(~pruned)), $"{name}'s kept weights trained");
        }

        Assert.InRange(masks.Sparsity, 0.49, 0.51);
    }

    [Fact]
    public void Without_the_hooks_AdamW_resurrects_pruned_weights()
    {
        // The control for the test above: the hooks, not the optimiser, keep the zeros.
        using var generator = new Generator(3);
        using var model = SmallNet(generator);
        using var masks = WeightMasks.Dense(model);
        masks.PruneGlobalMagnitude(0.5);
        Train(model, hooks: null, 5, generator);
        var weight = model.state_dict()["fc.weight"];
        Assert.True(weight.masked_select(masks["fc.weight"] == 0).abs().max().item<float>() > 0);
    }

    [Fact]
    public void Global_threshold_removes_exactly_ceil_rate_times_remaining_and_the_smallest_across_layers()
    {
        using var model = nn.Sequential(("a", nn.Linear(10, 10)), ("b", nn.Linear(10, 5)), ("c", nn.Linear(5, 2)));
        var state = model.state_dict();
        int total = 100 + 50 + 10;
        // Distinct magnitudes 1..160 spread over the layers in a shuffled order, signs alternating.
        var magnitudes = Enumerable.Range(1, total).Select(v => (float)v).ToArray();
        new Random(5).Shuffle(magnitudes);
        int offset = 0;
        using (no_grad())
        {
            foreach (string name in new[] { "a.weight", "b.weight", "c.weight" })
            {
                long n = state[name].numel();
                var values = magnitudes.Skip(offset).Take((int)n).Select((v, i) => i % 2 == 0 ? v : -v).ToArray();
                state[name].copy_(tensor(values).view(state[name].shape));
                offset += (int)n;
            }
        }

        using var masks = WeightMasks.Dense(model);
        Assert.Equal(total, masks.Total);
        long removed = masks.PruneGlobalMagnitude(0.2);
        Assert.Equal(32, removed); // ceil(0.2 * 160)
        Assert.Equal(128, masks.Remaining);
        AssertSmallestGone(model, masks, 32);

        removed = masks.PruneGlobalMagnitude(0.2);
        Assert.Equal(26, removed); // ceil(0.2 * 128): 20 % of the remaining, not of the original
        Assert.Equal(102, masks.Remaining);
        AssertSmallestGone(model, masks, 58);
        Assert.True(masks["a.weight"].sum().item<float>() < 100 && masks["b.weight"].sum().item<float>() < 50, "pruning is global: several layers lose weights");
    }

    [Fact]
    public void An_excluded_output_layer_keeps_every_weight_even_when_it_holds_the_smallest()
    {
        // Regression (GoogLeNet study run, round 4): the 1024x2 classifier had the smallest |w| of the net, one global
        // threshold emptied it and the output became constant (AUC 0.5). Renda et al.'s framework leaves it out.
        static nn.Module ThreeLayers()
        {
            var net = nn.Sequential(("a", nn.Linear(10, 10)), ("b", nn.Linear(10, 5)), ("c", nn.Linear(5, 2)));
            var weights = net.state_dict();
            using (no_grad())
            {
                weights["c.weight"].copy_(full(2, 5, 1e-4f)); // smallest magnitudes of all
                weights["a.weight"].copy_(arange(1, 101, dtype: ScalarType.Float32).view(10, 10));
                weights["b.weight"].copy_(arange(101, 151, dtype: ScalarType.Float32).view(5, 10));
            }

            return net;
        }

        using var model = ThreeLayers();
        var state = model.state_dict();
        using var masks = WeightMasks.Dense(model);
        Assert.Equal("c.weight", masks.OutputLayer);
        for (int round = 0; round < 12; round++)
        {
            long before = masks.Remaining - 10;
            long removed = masks.PruneGlobalMagnitude(0.2, [masks.OutputLayer]);
            Assert.Equal(Math.Min((long)Math.Ceiling(0.2 * before), before - 1), removed); // the rate counts only prunable weights
            Assert.Equal(10f, masks["c.weight"].sum().item<float>());
        }

        // Everything left in a and b is larger than everything removed there.
        float largestRemoved = cat([state["a.weight"].masked_select(masks["a.weight"] == 0), state["b.weight"].masked_select(masks["b.weight"] == 0)]).max().item<float>();
        float smallestKept = cat([state["a.weight"].masked_select(masks["a.weight"] > 0), state["b.weight"].masked_select(masks["b.weight"] > 0)]).min().item<float>();
        Assert.True(largestRemoved < smallestKept);

        // Without the exclusion the same first round takes the classifier first.
        using var control = ThreeLayers();
        using var controlMasks = WeightMasks.Dense(control);
        controlMasks.PruneGlobalMagnitude(0.2);
        Assert.Equal(0f, controlMasks["c.weight"].sum().item<float>());
        Assert.Throws<ArgumentException>(() => controlMasks.PruneGlobalMagnitude(0.2, ["no.such.weight"]));
    }

    private static void AssertSmallestGone(nn.Module model, WeightMasks masks, int count)
    {
        var state = model.state_dict();
        foreach (string name in masks.Names)
        {
            var magnitude = state[name].abs();
            var kept = magnitude.masked_select(masks[name] > 0);
            // Magnitudes are 1..160: after removing `count`, exactly those <= count are zero.
            Assert.True(kept.numel() == 0 || kept.min().item<float>() > count, $"{name} kept a weight of magnitude <= {count}");
            Assert.Equal(0f, magnitude.masked_select(masks[name] == 0).sum().item<float>());
            Assert.Equal((long)(magnitude <= count).sum().item<long>(), (long)(masks[name] == 0).sum().item<long>());
        }
    }

    [Fact]
    public void Masks_round_trip_through_a_file()
    {
        using var generator = new Generator(4);
        using var model = SmallNet(generator);
        using var masks = WeightMasks.Dense(model);
        masks.PruneGlobalMagnitude(0.3);
        string path = Path.Combine(Path.GetTempPath(), $"masks-{Guid.NewGuid():N}.bin");
        try
        {
            masks.Save(path);
            using var other = SmallNet(generator);
            using var loaded = WeightMasks.Load(path, other);
            foreach (string name in masks.Names)
            {
                Assert.True(Same(loaded[name], masks[name]));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
