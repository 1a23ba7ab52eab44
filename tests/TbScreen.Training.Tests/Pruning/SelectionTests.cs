using TbScreen.Training.Pruning;

namespace TbScreen.Training.Tests.Pruning;

public class SelectionTests
{
    private static PruningRound Round(int round, double compression, double valAuc, double testAuc = 0.5) => new()
    {
        Round = round,
        Compression = compression,
        Validation = new AucWithCi(valAuc, valAuc - 0.02, Math.Min(1, valAuc + 0.02)),
        Test = new AucWithCi(testAuc, null, null),
    };

    private static PruningRunRecord Run(string method, params PruningRound[] rounds) => new() { Method = method, Arch = "alexnet", Rounds = rounds };

    [Fact]
    public void Picks_the_highest_compression_within_tolerance_across_methods()
    {
        var finetune = Run("finetune", Round(0, 1, 0.960), Round(1, 1.25, 0.955), Round(2, 1.56, 0.940));
        var lrRewind = Run("lr-rewind", Round(0, 1, 0.960), Round(1, 1.25, 0.962), Round(2, 1.56, 0.951), Round(3, 1.95, 0.949), Round(4, 2.44, 0.952, testAuc: 0.99));
        var choice = PruningSelection.Select([finetune, lrRewind], 0.01);
        Assert.NotNull(choice);
        Assert.Equal("lr-rewind", choice.Run.Method);
        // Round 3 (0.949) is outside 0.960 - 0.01, but round 4 is back inside: the rule looks at every round.
        Assert.Equal(4, choice.Round.Round);
        Assert.Equal(0.960, choice.DenseValidationAuc);
    }

    [Fact]
    public void The_tolerance_is_configurable_and_test_AUC_never_decides()
    {
        var run = Run("lr-rewind", Round(0, 1, 0.960), Round(1, 1.25, 0.958, testAuc: 0.5), Round(2, 1.56, 0.930, testAuc: 0.999));
        Assert.Equal(1, PruningSelection.Select([run], 0.01)!.Round.Round);
        Assert.Equal(2, PruningSelection.Select([run], 0.05)!.Round.Round);
        Assert.Null(PruningSelection.Select([run], 0.001));
    }

    [Fact]
    public void A_fixed_round_is_taken_whatever_its_AUC_and_only_from_one_run()
    {
        var run = Run("lr-rewind", Round(0, 1, 0.960), Round(1, 1.25, 0.900), Round(2, 1.56, 0.800));
        var choice = PruningSelection.AtRound([run], 2, 0.01);
        Assert.Equal((2, true, 0.960), (choice.Round.Round, choice.FixedRound, choice.DenseValidationAuc));
        Assert.Contains("round 2 (fixed by --round): 1.56x, val AUC 0.8000 (dense 0.9600)", PruningReport.Label(choice));
        Assert.Throws<ArgumentException>(() => PruningSelection.AtRound([run], 3, 0.01));
        Assert.Throws<ArgumentException>(() => PruningSelection.AtRound([run, run], 1, 0.01));

        // A final model trained on train + validation has no validation AUC: the label says so.
        var final = Run("lr-rewind", Round(0, 1, 0.5) with { Validation = new AucWithCi(null, null, null) }, Round(1, 1.25, 0.5) with { Validation = new AucWithCi(null, null, null) });
        Assert.EndsWith("1.25x, no validation split", PruningReport.Label(PruningSelection.AtRound([final], 1, 0.01)));
        Assert.Null(PruningSelection.Select([final], 0.01));
    }

    [Fact]
    public void Report_tables_and_plot_cover_every_run()
    {
        var a = Run("finetune", Round(0, 1, 0.96), Round(1, 1.25, 0.945));
        var b = Run("lr-rewind", Round(0, 1, 0.96), Round(1, 1.25, 0.962));
        var tables = PruningReport.Tables([a, b], 0.01);
        Assert.Equal(3, tables.Count);
        Assert.Equal("none", tables[0].Rows[0][5]);
        Assert.Equal("1.25x (round 1)", tables[0].Rows[1][5]);
        Assert.All(tables.Skip(1), t => Assert.Equal(2, t.Rows.Count));
        Assert.Equal(("-", "0.9600"), (tables[0].Rows[0][6], tables[0].Rows[0][9]));

        // A run without a validation split (a final model) shows "-", never an empty cell.
        var none = new AucWithCi(null, null, null);
        var final = Run("lr-rewind", Round(0, 1, 0.5) with { Validation = none }, Round(1, 1.25, 0.5) with { Validation = none });
        var row = PruningReport.Tables([final], 0.01)[0].Rows[0];
        Assert.Equal(("-", "-"), (row[6], row[9]));
        Assert.Equal("-", PruningReport.Auc(null));
        string svg = PruningReport.Svg([a, b], 0.01);
        Assert.Equal(2, svg.Split("<polyline").Length - 1);
        Assert.Contains("lr-rewind", svg);
    }
}
