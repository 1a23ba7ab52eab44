using System.Text.Json;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Runtime;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Cli.Tests;

public class CalibrateEnsembleCommandTests
{
    /// <summary>20 val phantoms (10 TB, brighter on average, overlapping the normals) and 2 test rows it must ignore.</summary>
    private static (string Manifest, string Split, string[] ValFiles, bool[] ValTb) WriteData()
    {
        string dir = TestBundles.TempDirectory();
        var manifest = new List<string> { "file,label,sex,age,source" };
        var split = new List<string> { "file,split" };
        var valFiles = new List<string>();
        var valTb = new List<bool>();
        for (int i = 0; i < 22; i++)
        {
            string name = $"img{i}.png";
            bool tb = i % 2 == 1;
            double brightness = 0.7 + 0.02 * i + (tb ? 0.1 : 0);
            File.WriteAllBytes(Path.Combine(dir, name), PhantomImages.PngBytes(brightness, seed: i + 1));
            manifest.Add($"{name},{(tb ? 1 : 0)},,,a");
            split.Add($"{name},{(i < 20 ? "val" : "test")}");
            if (i < 20)
            {
                valFiles.Add(Path.Combine(dir, name));
                valTb.Add(tb);
            }
        }

        File.WriteAllLines(Path.Combine(dir, "manifest.csv"), manifest);
        File.WriteAllLines(Path.Combine(dir, "split.csv"), split);
        return (Path.Combine(dir, "manifest.csv"), Path.Combine(dir, "split.csv"), [.. valFiles], [.. valTb]);
    }

    [Fact]
    public void Chooses_the_highest_threshold_reaching_the_target_and_records_its_k_fold_check()
    {
        string models = TestBundles.WriteEnsemble();
        var (manifest, split, valFiles, valTb) = WriteData();

        var (code, stdout, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--data", manifest, "--split-file", split,
            "--ensemble", "e.json", "--target-sensitivity", "0.8", "--folds", "5", "--seed", "3");

        Assert.True(code == 0, stderr);
        var definition = EnsembleDefinition.Load(models, "e.json");
        // Independent of the selection code: the 8th highest of the 10 TB mean scores is the highest threshold that
        // catches 8 of them.
        double[] tbScores = MeanScores(models, valFiles).Where((_, i) => valTb[i]).OrderDescending().ToArray();
        Assert.Equal(tbScores[7], definition.Threshold, 6);
        var provenance = definition.ThresholdSelection!;
        Assert.Equal((0.8, 10, 10, 5, 3), (provenance.TargetSensitivity, provenance.Positives, provenance.Negatives, provenance.Folds, provenance.Seed));
        Assert.Equal(0.8, provenance.Sensitivity, 12);
        Assert.Equal(5, provenance.FoldThresholds!.Count);
        for (int f = 1; f <= 5; f++)
        {
            Assert.Contains($"fold {f}/5: threshold ", stdout);
        }

        Assert.Contains("out of fold: sensitivity ", stdout);
        Assert.InRange(provenance.OutOfFoldSensitivity!.Value, 0, 1);
    }

    [Fact]
    public void Weights_make_a_weighted_definition_whose_threshold_is_chosen_on_the_weighted_mean()
    {
        string models = TestBundles.WriteEnsemble();
        var (manifest, split, valFiles, valTb) = WriteData();

        var (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--data", manifest, "--split-file", split,
            "--ensemble", "w.json", "--target-sensitivity", "0.8", "--folds", "0", "--weights", "1,3");

        Assert.True(code == 0, stderr);
        var definition = EnsembleDefinition.Load(models, "w.json");
        Assert.Equal(EnsembleDefinition.WeightedRule, definition.Rule);
        Assert.Equal([1.0, 3.0], definition.Members.Select(m => m.Weight));
        double[] tbScores = WeightedScores(models, valFiles, 1, 3).Where((_, i) => valTb[i]).OrderDescending().ToArray();
        Assert.Equal(tbScores[7], definition.Threshold, 6);
        Assert.NotEqual(MeanScores(models, valFiles).Where((_, i) => valTb[i]).OrderDescending().ElementAt(7), definition.Threshold, 6);

        // Equal weights are the plain mean; a count that is not one per member, or a weight that is not positive, is refused.
        (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--data", manifest, "--split-file", split, "--ensemble", "m.json", "--folds", "0", "--weights", "2,2");
        Assert.True(code == 0, stderr);
        Assert.Equal(EnsembleDefinition.MeanRule, EnsembleDefinition.Load(models, "m.json").Rule);
        foreach (string bad in new[] { "1", "1,0", "1,x", "1,2,3" })
        {
            (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--data", manifest, "--split-file", split, "--weights", bad);
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Contains("--weights needs one positive number per member (2: alexnet, googlenet)", stderr);
        }
    }

    [Fact]
    public void Test_time_augmentation_writes_the_standard_views_and_chooses_the_threshold_on_scores_made_with_them()
    {
        string models = TestBundles.WriteEnsemble();
        var (manifest, split, valFiles, valTb) = WriteData();

        var (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--data", manifest, "--split-file", split,
            "--ensemble", "tta.json", "--target-sensitivity", "0.8", "--folds", "0", "--test-time-augmentation");

        Assert.True(code == 0, stderr);
        var definition = EnsembleDefinition.Load(models, "tta.json");
        Assert.Equal(TestTimeAugmentation.Standard.Views, definition.TestTimeAugmentation!.Views);
        double[] tbScores = MeanScores(models, valFiles, TestTimeAugmentation.Standard).Where((_, i) => valTb[i]).OrderDescending().ToArray();
        Assert.Equal(tbScores[7], definition.Threshold, 6);
        Assert.NotEqual(MeanScores(models, valFiles).Where((_, i) => valTb[i]).OrderDescending().ElementAt(7), definition.Threshold, 6);

        // An INT8 twin carries the views over with the threshold; naming them again is refused.
        (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--threshold-of", "tta.json", "--test-time-augmentation");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("leave out --data, --split-file, --oof, --weights and --test-time-augmentation", stderr);
    }

    [Fact]
    public void Out_of_fold_files_must_have_been_scored_with_the_views_of_the_definition_being_written()
    {
        string models = TestBundles.WriteEnsemble();
        string oof = TwoFolds();
        string[] files = oof.Split(',');

        // No metrics.json beside the fold files: a note, not a refusal (predictions from elsewhere).
        var (code, stdout, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--oof", oof, "--ensemble", "a.json", "--test-time-augmentation");
        Assert.True(code == 0, stderr);
        Assert.Contains($"note: no metrics.json beside {files[0]}: cannot check that it was scored with 9 view(s) per image", stdout);

        // Both folds in one folder share a metrics.json that says 9 views: accepted with the flag, refused without it.
        string metrics = Path.Combine(Path.GetDirectoryName(files[0])!, "metrics.json");
        File.WriteAllText(metrics, "{ \"n\": 44, \"testTimeViews\": 9 }");
        (code, stdout, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--oof", oof, "--ensemble", "b.json", "--test-time-augmentation");
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("cannot check", stdout);
        Assert.Equal(8, EnsembleDefinition.Load(models, "b.json").TestTimeAugmentation!.Views.Count);
        (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--oof", oof, "--ensemble", "c.json");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains($"{files[0]}: was scored with 9 view(s) per image (its metrics.json), but the definition being written averages 1", stderr);
        Assert.False(File.Exists(Path.Combine(models, "c.json")));

        // A metrics.json from before views were recorded scored the image alone.
        File.WriteAllText(metrics, "{ \"n\": 44 }");
        (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--oof", oof, "--ensemble", "d.json", "--test-time-augmentation");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("was scored with 1 view(s) per image", stderr);
        Assert.Contains("evaluate each fold with a definition that has the same test-time views", stderr);
    }

    [Fact]
    public void With_weights_out_of_fold_scores_are_rescored_from_the_member_columns_and_the_twin_keeps_them()
    {
        // Two folds whose ensemble column is a decoy (all 0.5): only the member columns can separate the classes.
        // alexnet is uninformative (0.5); googlenet: TB at 0.60..0.95 (8 per fold), normals at 0.05..0.40.
        string folder = TestBundles.TempDirectory();
        string Fold(string name)
        {
            string Line(string file, int label, double score) =>
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\"{file}.png\",{label},\"s\",0.5,{score:R},0.5,0,");
            var rows = Enumerable.Range(0, 8).Select(i => Line($"{name}-tb{i}", 1, 0.60 + 0.05 * i))
                .Concat(Enumerable.Range(0, 8).Select(i => Line($"{name}-n{i}", 0, 0.05 + 0.05 * i)));
            string path = Path.Combine(folder, name + ".csv");
            File.WriteAllLines(path, rows.Prepend("file,label,source,alexnet,googlenet,ensemble,decision,flags"));
            return path;
        }

        string models = TestBundles.WriteEnsemble();
        string oof = Fold("f1") + "," + Fold("f2");
        var (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--oof", oof, "--weights", "1,3", "--target-sensitivity", "1", "--ensemble", "w.json");

        Assert.True(code == 0, stderr);
        var definition = EnsembleDefinition.Load(models, "w.json");
        // By hand: every TB case is caught at the lowest TB score, (1 x 0.5 + 3 x 0.60) / 4 = 0.575; every normal
        // ((0.5 + 3 x at most 0.40) / 4 = 0.425) lies under it.
        Assert.Equal(0.575, definition.Threshold, 9);
        Assert.Equal(1.0, definition.ThresholdSelection!.Specificity, 12);
        Assert.Equal(EnsembleDefinition.WeightedRule, definition.Rule);

        // The file's own ensemble column (0.5 everywhere) gives no separation: equal weights use it.
        (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--oof", oof, "--target-sensitivity", "1", "--ensemble", "m.json");
        Assert.True(code == 0, stderr);
        Assert.Equal(0.0, EnsembleDefinition.Load(models, "m.json").ThresholdSelection!.Specificity, 12);

        // A member the fold files do not score is named with the file.
        File.WriteAllLines(Path.Combine(folder, "f3.csv"), ["file,label,source,alexnet,ensemble", "\"c.png\",1,\"s\",0.5,0.5"]);
        (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--oof", oof + "," + Path.Combine(folder, "f3.csv"), "--weights", "1,3");
        Assert.NotEqual(0, code);
        Assert.Contains("f3.csv", stderr);
        Assert.Contains("googlenet", stderr);

        // The INT8-style twin carries the weights over with the threshold (copies of the members stand in for INT8).
        foreach (string member in new[] { "alexnet", "googlenet" })
        {
            WriteInt8Twin(models, member, ModelBundle.ReadMetadata(Path.Combine(models, member)).OnnxSha256);
        }

        (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--members", "alexnet-int8,googlenet-int8", "--heatmap-member", "googlenet-int8",
            "--threshold-of", "w.json", "--ensemble", "w-int8.json");
        Assert.True(code == 0, stderr);
        var twinDefinition = EnsembleDefinition.Load(models, "w-int8.json");
        Assert.Equal((EnsembleDefinition.WeightedRule, 0.575), (twinDefinition.Rule, Math.Round(twinDefinition.Threshold, 9)));
        Assert.Equal([1.0, 3.0], twinDefinition.Members.Select(m => m.Weight));
    }

    [Fact]
    public void A_target_outside_zero_to_one_is_a_usage_error()
    {
        string models = TestBundles.WriteEnsemble();
        var (manifest, split, _, _) = WriteData();
        var (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--data", manifest, "--split-file", split, "--target-sensitivity", "1.5");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--target-sensitivity", stderr);
    }

    /// <summary>Fold 1: 12 TB at 0.40..0.95 and 12 normals at 0.051..0.601; fold 2: 10 TB at 0.42..0.87, 10 normals at 0.071..0.521.</summary>
    private static string TwoFolds()
    {
        string folder = TestBundles.TempDirectory();
        string Fold(string name, int tb, double tbStart, double normalStart)
        {
            var rows = Enumerable.Range(0, tb).Select(i => Row($"{name}-tb{i}", 1, tbStart + 0.05 * i))
                .Concat(Enumerable.Range(0, tb).Select(i => Row($"{name}-n{i}", 0, normalStart + 0.05 * i)));
            string path = Path.Combine(folder, name + ".csv");
            File.WriteAllLines(path, rows.Prepend("file,label,source,alexnet,googlenet,ensemble,decision,flags"));
            return path;
        }

        return Fold("f1", 12, 0.40, 0.051) + "," + Fold("f2", 10, 0.42, 0.071);
    }

    [Fact]
    public void Holding_across_folds_raises_the_target_until_the_other_folds_threshold_still_reaches_it()
    {
        string models = TestBundles.WriteEnsemble();

        var (code, stdout, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--oof", TwoFolds(), "--hold-across-folds", "--ensemble", "held.json");

        Assert.True(code == 0, stderr);
        var definition = EnsembleDefinition.Load(models, "held.json");
        var provenance = definition.ThresholdSelection!;
        // By hand. Target 0.90: across folds 19/22 (see the test above), under 0.90. Target 0.91: fold 1 is judged by
        // fold 2's rule (10 of 10 TB: 0.42) and catches 11/12; fold 2 by fold 1's (11 of 12: 0.45) and catches 9/10:
        // 20/22 = 0.909, which holds. The pooled rule at 0.91 must catch 21 of 22 TB: threshold 0.42, under which lie
        // 8 + 7 normals.
        Assert.Equal(0.42, definition.Threshold, 12);
        Assert.Equal(0.91, provenance.TargetSensitivity, 12);
        Assert.Equal(0.90, provenance.HeldAcrossFolds!.Value, 12);
        Assert.Equal(20.0 / 22, provenance.OutOfFoldSensitivity!.Value, 12);
        Assert.Equal(21.0 / 22, provenance.Sensitivity, 12);
        Assert.Equal(15.0 / 22, provenance.Specificity, 12);
        Assert.Equal([0.42, 0.45], provenance.FoldThresholds!);
        Assert.Contains("the rule's target was raised to 0.91 so that across folds it reaches 0.909", stdout);
        Assert.DoesNotContain("warning", stdout);

        // Without --oof there are no folds of retrained models to hold across.
        var refused = CliRunner.Run("calibrate-ensemble", "--models", models, "--hold-across-folds", "--data", "m.csv", "--split-file", "s.csv");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--hold-across-folds needs --oof", refused.Stderr);
    }

    [Fact]
    public void With_out_of_fold_predictions_the_threshold_comes_from_the_pooled_folds()
    {
        string models = TestBundles.WriteEnsemble();
        string oof = TwoFolds();

        var (code, stdout, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--oof", oof, "--ensemble", "oof.json");

        Assert.True(code == 0, stderr);
        var definition = EnsembleDefinition.Load(models, "oof.json");
        var provenance = definition.ThresholdSelection!;
        // By hand: 20 of the 22 TB reach 0.45; each fold by the rule on the other: 0.47 (fold 1) and 0.45 (fold 2).
        Assert.Equal(0.45, definition.Threshold, 12);
        Assert.Equal((ThresholdProvenance.OutOfFoldSplit, 22, 22, 2), (provenance.Split, provenance.Positives, provenance.Negatives, provenance.Folds));
        Assert.Equal(16.0 / 22, provenance.Specificity, 12);
        Assert.Equal(0.47, provenance.FoldThresholds![0], 12);
        Assert.Equal(0.45, provenance.FoldThresholds[1], 12);
        Assert.Equal(19.0 / 22, provenance.OutOfFoldSensitivity!.Value, 12);
        Assert.Equal(["alexnet", "googlenet"], definition.Members.Select(m => m.Bundle));
        Assert.Contains("fold 1/2 (12 TB, 12 normal): at the pooled threshold sensitivity 0.917, specificity 0.667", stdout);
        Assert.Contains("warning: across folds the rule reached sensitivity 0.864", stdout);

        // The INT8 twin of that ensemble carries its threshold over, but only when each member quantises the float32
        // member in its place (here: copies whose metadata names the source; the second one names the wrong weights).
        string Twin(string member, string sourceSha256) => WriteInt8Twin(models, member, sourceSha256);

        string Sha(string member) => ModelBundle.ReadMetadata(Path.Combine(models, member)).OnnxSha256;
        Twin("alexnet", Sha("alexnet"));
        string wrongTwin = Twin("googlenet", Sha("alexnet"));
        string[] carry = ["calibrate-ensemble", "--models", models, "--members", "alexnet-int8,googlenet-int8", "--threshold-of", "oof.json", "--ensemble", "oof-int8.json"];
        (code, _, stderr) = CliRunner.Run(carry);
        Assert.Equal(ExitCodes.ModelError, code);
        Assert.Contains(wrongTwin, stderr);
        Assert.Contains("not the INT8 bundle quantised from 'googlenet'", stderr);
        Twin("googlenet", Sha("googlenet"));
        (code, _, stderr) = CliRunner.Run(carry);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("heatmapMember 'googlenet' is not a member", stderr);
        Assert.False(File.Exists(Path.Combine(models, "oof-int8.json")), "an invalid definition is never written");
        (code, stdout, stderr) = CliRunner.Run([.. carry, "--heatmap-member", "googlenet-int8"]);
        Assert.True(code == 0, stderr);
        var carried = EnsembleDefinition.Load(models, "oof-int8.json");
        Assert.Equal(0.45, carried.Threshold, 12);
        Assert.Equal(["alexnet-int8", "googlenet-int8"], carried.Members.Select(m => m.Bundle));
        Assert.Equal($"oof.json (SHA-256 {ModelBundle.Sha256Of(Path.Combine(models, "oof.json"))})", carried.ThresholdSelection!.CarriedFrom);
        Assert.Equal(ThresholdProvenance.OutOfFoldSplit, carried.ThresholdSelection.Split);
        Assert.Contains("carried over from oof.json", stdout);

        // Either the validation split or out-of-fold predictions, not both; and not neither.
        var (manifest, split, _, _) = WriteData();
        (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models, "--oof", oof, "--data", manifest, "--split-file", split);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("leave out --data", stderr);
        (code, _, stderr) = CliRunner.Run("calibrate-ensemble", "--models", models);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--oof", stderr);
    }

    private static string Row(string name, int label, double score) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\"{name}.png\",{label},\"s\",{score:R},{score:R},{score:R},0,");

    /// <summary>A stand-in INT8 twin: a copy of the member whose metadata says it was quantised from the bundle with that hash.</summary>
    private static string WriteInt8Twin(string models, string member, string sourceSha256)
    {
        string twin = Path.Combine(models, member + "-int8");
        Directory.CreateDirectory(twin);
        File.Copy(Path.Combine(models, member, ModelBundle.OnnxFileName), Path.Combine(twin, ModelBundle.OnnxFileName), overwrite: true);
        var metadata = ModelBundle.ReadMetadata(Path.Combine(models, member));
        ModelBundle.WriteMetadata(twin, metadata with
        {
            Name = member + "-int8",
            Quantization = new ModelQuantization
            {
                Format = "qdq-static", Method = "minmax", Activations = "uint8", Weights = "int8-symmetric-per-channel", CalibrationSplit = "train",
                CalibrationCount = 1, CalibrationSha256 = new string('a', 64), SourceBundle = member, SourceSha256 = sourceSha256,
            },
        });
        return twin;
    }

    /// <summary>A member's TB probability, with the views: the mean over the image and each view made by hand (PlaneWarp).</summary>
    private static double Score(OnnxClassifier member, float[] tensor, TestTimeAugmentation? views)
    {
        var contract = member.Contract;
        float[] plane = tensor.Take(contract.Size * contract.Size).Select(v => (v * contract.Std) + contract.Mean).ToArray();
        var inputs = (views?.Views ?? []).Select(v => RadiographPipeline.ToModelInput(PlaneWarp.Apply(plane, contract.Size, v), contract)).Prepend(tensor).ToArray();
        return member.Predict(inputs).Average(p => (double)p.TbProbability);
    }

    private static double[] MeanScores(string models, string[] files, TestTimeAugmentation? views = null) => WeightedScores(models, files, 1, 1, views);

    private static double[] WeightedScores(string models, string[] files, double alexnet, double googlenet, TestTimeAugmentation? views = null)
    {
        double[] weights = [alexnet, googlenet];
        var classifiers = new[] { "alexnet", "googlenet" }.Select(n => new OnnxClassifier(ModelBundle.Load(Path.Combine(models, n)))).ToList();
        try
        {
            return files.Select(f =>
            {
                var radiograph = RadiographFiles.Load(f);
                return classifiers.Select((c, k) => weights[k] * Score(c, RadiographPipeline.ToTensor(radiograph, c.Contract), views)).Sum() / weights.Sum();
            }).ToArray();
        }
        finally
        {
            classifiers.ForEach(c => c.Dispose());
        }
    }
}
