using TbScreen.Training.Models;
using TbScreen.Training.Pruning;
using TbScreen.Training.Tests.Fixtures;
using TbScreen.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

using static TbScreen.Training.Tests.Pruning.TensorSame;

namespace TbScreen.Training.Tests.Pruning;

public class RewindingTests
{
    private static readonly ModelOptions Small = new() { AlexNetHidden = 32 };

    [Fact]
    public void Weight_rewinding_restores_the_epoch_k_checkpoint_bitwise_on_unpruned_weights()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"rewind-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            using var generator = new Generator(21);
            using var model = ModelFactory.Create(ModelFactory.AlexNet, Small);
            SeededInit.Apply(model, generator);
            var options = new TrainingOptions { Model = Small, Epochs = 3 };
            new CheckpointWriter(folder, options).Save(model, "epoch-1", 1, 0.1, null);
            // "Training" after epoch 1: every weight moves.
            using (no_grad())
            {
                foreach (var p in model.parameters())
                {
                    p.add_(randn(p.shape, generator: generator) * 0.01);
                }
            }

            using var masks = WeightMasks.Dense(model);
            masks.PruneGlobalMagnitude(0.5);
            var (early, _) = Checkpoints.Load(Path.Combine(folder, "epoch-1.pt"));
            using var _ = early;
            Rewinding.Apply(model, masks, early.state_dict(), ModelFactory.AlexNet, Small, null);

            var rewound = model.state_dict();
            foreach (var (name, value) in early.state_dict())
            {
                var expected = masks.Names.Contains(name) ? value * masks[name] : value;
                Assert.True(Same(rewound[name], expected), $"{name} is not the epoch-1 value (masked)");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Structured_rewinding_takes_the_surviving_channels_of_the_checkpoint()
    {
        using var generator = new Generator(22);
        using var early = ModelFactory.Create(ModelFactory.AlexNet, Small);
        SeededInit.Apply(early, generator);
        var dense = Small with { Widths = ChannelPruner.WidthsAfter(ModelFactory.AlexNet, Small, new Dictionary<string, long[]>()) };
        using var scope = NewDisposeScope();
        using var trained = ChannelPruner.Build(ModelFactory.AlexNet, dense, early.state_dict());
        using (no_grad())
        {
            foreach (var p in trained.parameters())
            {
                p.add_(randn(p.shape, generator: generator));
            }
        }

        // Two rounds of channel pruning; the second's indices are local to the first's result.
        var keep1 = ChannelPruner.SelectByL1(trained, ModelFactory.AlexNet, dense, 0.25);
        var options1 = dense with { Widths = ChannelPruner.WidthsAfter(ModelFactory.AlexNet, dense, keep1) };
        using var round1 = ChannelPruner.Build(ModelFactory.AlexNet, options1, ChannelPruner.Slice(trained.state_dict(), ModelFactory.AlexNet, dense, keep1));
        var keep2 = ChannelPruner.SelectByL1(round1, ModelFactory.AlexNet, options1, 0.25);
        var options2 = options1 with { Widths = ChannelPruner.WidthsAfter(ModelFactory.AlexNet, options1, keep2) };
        using var round2 = ChannelPruner.Build(ModelFactory.AlexNet, options2, ChannelPruner.Slice(round1.state_dict(), ModelFactory.AlexNet, options1, keep2));
        var original = ChannelPruner.Compose(keep1, keep2);

        Rewinding.Apply(round2, null, early.state_dict(), ModelFactory.AlexNet, Small, original);

        var earlyState = early.state_dict();
        var rewound = round2.state_dict();
        using var conv3Out = tensor(original["features.3"]);
        using var conv3In = tensor(original["features.0"]);
        Assert.True(Same(rewound["features.3.weight"], earlyState["features.3.weight"].index_select(0, conv3Out).index_select(1, conv3In)));
        Assert.True(Same(rewound["features.3.bias"], earlyState["features.3.bias"].index_select(0, conv3Out)));
        using var hidden = tensor(original["classifier.4"]);
        Assert.True(Same(rewound["classifier.6.weight"], earlyState["classifier.6.weight"].index_select(1, hidden)));
        Assert.Equal(original["features.10"].Length * 36, rewound["classifier.1.weight"].shape[1]);
    }

    [Fact]
    public void Fine_tuning_holds_the_final_rate_and_rewinding_replays_the_schedule_from_k()
    {
        var options = new TrainingOptions { Epochs = 10, Optimizer = OptimizerKind.AdamW, WarmupEpochs = 1 };
        var schedule = new LearningRateSchedule(options, 40);
        double final = schedule.At(9, 39);
        Assert.Equal(final, Rewinding.LearningRate(PruningMethod.FineTune, schedule, 10, 40, 7, 1, 0));
        Assert.Equal(final, Rewinding.LearningRate(PruningMethod.FineTune, schedule, 10, 40, 7, 3, 20));
        Assert.Equal(schedule.At(7, 0), Rewinding.LearningRate(PruningMethod.LrRewind, schedule, 10, 40, 7, 1, 0));
        Assert.Equal(schedule.At(9, 39), Rewinding.LearningRate(PruningMethod.WeightRewind, schedule, 10, 40, 7, 3, 39));
        Assert.True(schedule.At(7, 0) > 10 * final);
    }

    [Theory]
    [InlineData(null, 3, 12, 9, 3)]
    [InlineData(9, null, 12, 9, 3)]
    [InlineData(2, 4, 12, 2, 4)] // both given: used as given
    public void Rewind_point_and_budget_are_tied_unless_both_are_given(int? k, int? t, int total, int expectedK, int expectedT)
    {
        var options = new PruningOptions { RewindEpoch = k, RetrainEpochs = t };
        Assert.Equal((expectedK, expectedT), options.Resolve(total));
    }

    [Fact]
    public void Neither_k_nor_t_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new PruningOptions().Validate());
        Assert.Contains("--rewind-epoch", error.Message);
    }
}
