using TbScreen.Dicom.Tests.TestData;

namespace TbScreen.Cli.Tests.Batch;

/// <summary>
/// The acceptance run on the team's real files (read in place, never copied): ../shared/data/dicom plus
/// 20 chest PNGs from ../shared/data/cxr, on the shipped models. Every file gets a row; each bad one its own code.
/// </summary>
public sealed class SharedDataBatchTests
{
    [SkippableFact]
    public void Shared_dicom_and_cxr_files_each_get_a_row_with_the_right_code()
    {
        string dicom = SharedDicomData.Directory;
        string cxr = Path.Combine(SharedDicomData.SharedDataFolder, "cxr");
        SharedDicomData.Require(cxr);
        var pngs = Directory.GetFiles(cxr, "*.png").Order(StringComparer.Ordinal).Take(20).ToArray();
        string output = Path.Combine(BatchFolder.Create(), "results.csv");

        var (code, _, stderr) = CliRunner.Run(["screen", dicom, .. pngs, "--out", output, "--models", Path.Combine(SharedDicomData.RepositoryRoot, "models")]);

        Assert.True(code == 1, stderr);
        var rows = CsvTable.Records(output);
        var byName = rows.ToDictionary(r => Path.GetFileName(r["path"]), r => r["status"]);
        // Top level of the DICOM folder (refs/ is a subfolder, left out without --recursive), then the PNGs.
        var dicomFiles = Directory.GetFiles(dicom).Where(f => !Path.GetFileName(f).StartsWith('.')).ToArray();
        Assert.Equal(dicomFiles.Length + pngs.Length, rows.Count);
        Assert.Equal("ok", byName["CR-MONO1-10-chest.dcm"]);
        Assert.Equal("ok", byName["RG1_J2KI.dcm"]);
        foreach (string name in new[] { "CT-MONO2-16-ankle.dcm", "MR_small_bigendian.dcm", "JPGLosslessP14SV1_1s_1f_8b.dcm", "HasFragmentSequence.dcm", "image_dfl.dcm" })
        {
            Assert.Equal("not-chest-xray", byName[name]);
        }

        // RG3 is a CR of a tibia: Body Part Examined says EXTREMITY, so the CR modality alone does not let it through.
        Assert.All(byName.Where(p => p.Key.StartsWith("RG3_", StringComparison.Ordinal)), p => Assert.Equal("not-chest-xray", p.Value));
        Assert.All(new[] { "README.md", "provenance.tsv", "refs.csv" }.Where(n => byName.ContainsKey(n)), n => Assert.Equal("unreadable-image", byName[n]));
        Assert.All(pngs, p => Assert.Equal("ok", byName[Path.GetFileName(p)]));
        Assert.All(rows.Where(r => r["status"] != "ok"), r => Assert.NotEmpty(r["error"]));
    }
}
