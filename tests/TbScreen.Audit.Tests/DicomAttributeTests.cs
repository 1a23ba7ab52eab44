using System.Text.Json;
using TbScreen.Cli;
using TbScreen.Cli.Commands;
using TbScreen.Dicom;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;

namespace TbScreen.Audit.Tests;

/// <summary>Manufacturer, model, sex and age from DICOM headers, on fixtures written by our own DICOM writer.</summary>
public sealed class DicomAttributeTests
{
    private static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tbscreen-audit-dicom", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A small synthetic CR with the given manufacturer/model (null = tag removed).</summary>
    private static string WriteDicom(string dir, string name, string? manufacturer, string? model, string sex = "F", string age = "042Y", int seed = 1)
    {
        var (ds, _) = SampleDatasets.Create(new SampleSpec(Rows: 32, Columns: 32, Seed: seed, PatientSex: sex, PatientAge: age));
        ds.Remove(DicomTag.Manufacturer);
        ds.Remove(DicomTag.ManufacturerModelName);
        if (manufacturer is not null)
        {
            ds.AddString(DicomTag.Manufacturer, "LO", manufacturer);
        }

        if (model is not null)
        {
            ds.AddString(DicomTag.ManufacturerModelName, "LO", model);
        }

        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, DicomWriter.Write(ds, TransferSyntax.ExplicitVrLittleEndianUid));
        return path;
    }

    [Fact]
    public void Header_attributes_are_read_and_missing_tags_stay_null()
    {
        string dir = TempDir();
        var full = DicomAttributes.TryRead(WriteDicom(dir, "a.dcm", "Acme Medical", "XR-9", sex: "M", age: "018M"));
        Assert.Equal(new DicomHeaderAttributes("Acme Medical", "XR-9", "M", 1.5), full);
        var bare = DicomAttributes.TryRead(WriteDicom(dir, "b.dcm", null, null));
        Assert.NotNull(bare);
        Assert.Null(bare.Manufacturer);
        Assert.Null(bare.Model);

        File.WriteAllBytes(Path.Combine(dir, "c.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Assert.Null(DicomAttributes.TryRead(Path.Combine(dir, "c.png")));
        Assert.Null(DicomAttributes.TryRead(Path.Combine(dir, "missing.dcm")));
    }

    [Theory]
    [InlineData("045Y", 45.0)]
    [InlineData("018M", 1.5)]
    [InlineData("052W", 0.997)]
    [InlineData("010D", 0.027)]
    [InlineData("45Y", null)]
    [InlineData("045X", null)]
    [InlineData(null, null)]
    public void Dicom_ages_convert_to_years(string? text, double? years)
    {
        double? age = DicomAttributes.AgeYears(text);
        if (years is null)
        {
            Assert.Null(age);
        }
        else
        {
            Assert.Equal(years.Value, age!.Value, 2);
        }
    }

    [Fact]
    public void Manifest_columns_win_and_dicom_fills_only_what_is_missing()
    {
        string dir = TempDir();
        WriteDicom(dir, "a.dcm", "Acme Medical", "XR-9", sex: "M", age: "060Y");
        WriteDicom(dir, "b.dcm", null, null, seed: 2);
        AuditCase[] cases =
        [
            new("a.dcm", true, 0.9, true, Manufacturer: "FromManifest"),
            new("a.dcm", true, 0.9, true),
            new("b.dcm", false, 0.1, false),
            new("c.png", false, 0.1, false),
        ];
        var (enriched, dicomFiles) = DicomAttributes.Enrich(cases, dir);
        Assert.Equal(3, dicomFiles);
        Assert.Equal("FromManifest", enriched[0].Manufacturer);
        Assert.Equal("Acme Medical", enriched[1].Manufacturer);
        Assert.Equal("M", enriched[1].Sex);
        Assert.Equal(60, enriched[1].Age);
        var bands = AgeBands.Parse(AgeBands.Default);
        Assert.Equal("Acme Medical XR-9", SubgroupAttribute.ScannerModel.ValueOf(enriched[1], bands));
        Assert.Equal("unknown", SubgroupAttribute.Manufacturer.ValueOf(enriched[2], bands));
        Assert.Equal("unknown", SubgroupAttribute.Manufacturer.ValueOf(enriched[3], bands));
    }

    [Fact]
    public void Audit_groups_by_manufacturer_from_dicom_and_counts_the_unknowns()
    {
        string dir = TempDir();
        var manifest = new List<string> { "file,label,source" };
        var predictions = new List<string> { "file,label,source,alexnet,googlenet,ensemble,decision,flags" };
        for (int i = 0; i < 24; i++)
        {
            string? maker = (i % 3) switch { 0 => "Acme Medical", 1 => "Borealis", _ => null };
            string name = $"img{i}.dcm";
            WriteDicom(dir, name, maker, maker is null ? null : "M1", seed: i + 1);
            bool tb = i % 2 == 0;
            double score = tb ? 0.7 + i / 100.0 : 0.2 + i / 100.0;
            manifest.Add($"{name},{(tb ? 1 : 0)},s");
            predictions.Add($"{name},{(tb ? 1 : 0)},s,{score},{score},{score},{(score >= 0.5 ? 1 : 0)},");
        }

        File.WriteAllLines(Path.Combine(dir, "manifest.csv"), manifest);
        File.WriteAllLines(Path.Combine(dir, "predictions.csv"), predictions);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = TbScreenCli.Run(["audit", "--scores", Path.Combine(dir, "predictions.csv"), "--data", Path.Combine(dir, "manifest.csv"),
            "--by", "manufacturer,model", "--min-group", "5", "--bootstrap", "50", "--out", Path.Combine(dir, "out")], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "out", "fairness.json")));
        var groups = json.RootElement.GetProperty("groups").EnumerateArray()
            .Where(g => g.GetProperty("attribute").GetString() == "manufacturer")
            .ToDictionary(g => g.GetProperty("value").GetString()!, g => g.GetProperty("n").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["Acme Medical"] = 8, ["Borealis"] = 8, ["unknown"] = 8 }, groups);
        Assert.Contains(json.RootElement.GetProperty("dataCaveats").EnumerateArray(), c => c.GetString()!.Contains("manufacturer is unknown for 8 of 24", StringComparison.Ordinal));
        Assert.Contains(json.RootElement.GetProperty("groups").EnumerateArray(), g => g.GetProperty("value").GetString() == "Borealis M1");
    }
}
