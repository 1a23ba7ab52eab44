using TbScreen.Dicom.Network.Tests.Support;
using TbScreen.Dicom.Tests.TestData;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Cli.Tests;

public class ScreenCommandTests
{
    [Fact]
    public void Each_file_gets_scores_decision_flag_and_reason_and_a_bad_file_does_not_stop_the_rest()
    {
        string models = TestBundles.WriteEnsemble();
        string dir = TestBundles.TempDirectory();
        string good = Path.Combine(dir, "good.png");
        string bright = Path.Combine(dir, "bright.png");
        string bad = Path.Combine(dir, "bad.png");
        File.WriteAllBytes(good, PhantomImages.PngBytes(0.5));
        File.WriteAllBytes(bright, PhantomImages.PngBytes(1.0));
        File.WriteAllBytes(bad, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]);

        var (code, stdout, stderr) = CliRunner.Run("screen", good, bad, bright, "--models", models);

        Assert.Equal(1, code);
        string[] all = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("# TbScreen: research use only, not a medical device.", all[0]);
        string[] lines = all[1..];
        Assert.Equal(2, lines.Length);
        Assert.StartsWith(good + ": alexnet=0.", lines[0]);
        Assert.StartsWith(bright + ": alexnet=0.", lines[1]);
        Assert.All(lines, l => Assert.Matches(@"googlenet=0\.\d{4} ensemble=0\.\d{4} decision=(tb|not-tb) flag=(none|disagreement|uncertain|disagreement\+uncertain) reason="".+""$", l));
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("tbscreen: " + bad, stderr);
    }

    /// <summary>
    /// A hospital CD as dcmtk's dcmmkdir writes one: DICOMDIR at the root, images in IMAGES/. Screened from its root the
    /// run says that a sub-folder was left out; with --recursive the image is screened and the DICOMDIR is named for
    /// what it is (not-chest-xray), not reported as broken DICOM.
    /// </summary>
    [Fact]
    public void A_hospital_cd_is_screened_from_its_root_and_its_dicomdir_is_named()
    {
        Dcmtk.Require();
        string models = TestBundles.WriteEnsemble();
        string cd = TestBundles.TempDirectory();
        Directory.CreateDirectory(Path.Combine(cd, "IMAGES"));
        File.Copy(Path.Combine(SharedDicomData.RepositoryRoot, "samples", "phantom-explicit-le-mono2.dcm"), Path.Combine(cd, "IMAGES", "IM0001"));
        var (made, output) = Dcmtk.Run("dcmmkdir", "--recurse", "+I", "+id", cd, "+D", Path.Combine(cd, "DICOMDIR"), "IMAGES");
        Assert.True(made == 0, output);

        var flat = CliRunner.Run("screen", cd, "--models", models, "--out", Path.Combine(TestBundles.TempDirectory(), "flat.csv"));
        Assert.Contains($"tbscreen: note: 1 sub-folder not screened (first: {Path.Combine(cd, "IMAGES")}); add --recursive to screen them too", flat.Stderr);

        string results = Path.Combine(TestBundles.TempDirectory(), "cd.csv");
        var (code, _, stderr) = CliRunner.Run("screen", cd, "--recursive", "--models", models, "--out", results);

        Assert.True(code == 1, stderr); // the DICOMDIR is a row that is not ok
        Assert.DoesNotContain("sub-folder", stderr);
        var rows = File.ReadAllLines(results).Skip(1).Select(line => TbScreen.Inference.Evaluation.CsvReader.SplitLine(line)).ToDictionary(f => Path.GetFileName(f[0]), f => (Status: f[2], Error: f[3]));
        Assert.Equal("ok", rows["IM0001"].Status);
        Assert.Equal("not-chest-xray", rows["DICOMDIR"].Status);
        Assert.Contains("a DICOMDIR", rows["DICOMDIR"].Error);
        Assert.Contains("(SOP class 1.2.840.10008.1.3.10): not an image", rows["DICOMDIR"].Error);
    }

    [Fact]
    public void All_files_screened_exits_zero()
    {
        string models = TestBundles.WriteEnsemble();
        string file = Path.Combine(TestBundles.TempDirectory(), "a.png");
        File.WriteAllBytes(file, PhantomImages.PngBytes(0.8));

        var (code, stdout, stderr) = CliRunner.Run("screen", file, "--models", models, "--threads", "1");

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Contains("decision=", stdout);
    }

    [Fact]
    public void A_bundle_with_a_mismatched_hash_exits_4_naming_both_hashes()
    {
        string models = TestBundles.WriteEnsemble();
        File.AppendAllText(Path.Combine(models, "googlenet", "model.onnx"), "tampered");
        string file = Path.Combine(TestBundles.TempDirectory(), "a.png");
        File.WriteAllBytes(file, PhantomImages.PngBytes(0.8));

        var (code, stdout, stderr) = CliRunner.Run("screen", file, "--models", models);

        Assert.Equal(ExitCodes.ModelError, code);
        Assert.Empty(stdout);
        Assert.Matches(@"^tbscreen: .*googlenet: model.onnx SHA-256 is [0-9a-f]{64} but metadata.json expects [0-9a-f]{64}", stderr);
    }

    [Fact]
    public void A_missing_models_folder_exits_4()
    {
        var (code, _, stderr) = CliRunner.Run("screen", "x.png", "--models", Path.Combine(TestBundles.TempDirectory(), "none"));

        Assert.Equal(ExitCodes.ModelError, code);
        Assert.Contains("ensemble.json: not found", stderr);
    }
}
