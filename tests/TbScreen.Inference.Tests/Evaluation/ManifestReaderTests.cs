using TbScreen.Inference.Datasets;
using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.Evaluation;

public class ManifestReaderTests
{
    [Fact]
    public void Rows_resolve_paths_against_the_manifest_and_read_quoted_fields()
    {
        string dir = TestBundles.TempDirectory();
        string manifest = Write(dir, "manifest.csv",
            "file,label,sex,age,source,original_id,view,finding_labels\n" +
            "img/a.png,1,,,tbx11k,tb0001,,\n" +
            "b.png,0,F,42,nih_cxr14,x,PA,\"Effusion, Infiltration\"\n");

        var rows = ManifestReader.Read(manifest);

        Assert.Equal(2, rows.Count);
        Assert.Equal(Path.Combine(dir, "img", "a.png"), rows[0].Path);
        Assert.True(rows[0].IsTb);
        Assert.Equal("tbx11k", rows[0].Source);
        Assert.Null(rows[0].Sex);
        Assert.Equal(("F", 42.0, "nih_cxr14"), (rows[1].Sex, rows[1].Age!.Value, rows[1].Source));
    }

    [Fact]
    public void Several_manifests_read_as_one_set_named_from_their_common_folder()
    {
        string root = TestBundles.TempDirectory();
        Directory.CreateDirectory(Path.Combine(root, "cxr"));
        Directory.CreateDirectory(Path.Combine(root, "shenzhen"));
        string a = Write(Path.Combine(root, "cxr"), "manifest.csv", "file,label,source\nx.png,1,tbx11k\n");
        string b = Write(Path.Combine(root, "shenzhen"), "manifest.csv", "file,label,source\ny.png,0,shenzhen\nz.png,1,shenzhen\n");

        var rows = ManifestReader.Read($"{a},{b}");

        Assert.Equal(new[] { "cxr/x.png", "shenzhen/y.png", "shenzhen/z.png" }, rows.Select(r => r.File));
        Assert.Equal(Path.Combine(root, "shenzhen", "z.png"), rows[2].Path);
        Assert.Equal(Path.GetFullPath(root), ManifestSet.DataRoot($"{a},{b}"));
        // A split file written with those names selects across both manifests.
        string split = Write(root, "split.csv", "file,split\ncxr/x.png,test\nshenzhen/y.png,train\nshenzhen/z.png,test\n");
        Assert.Equal(new[] { "cxr/x.png", "shenzhen/z.png" }, ManifestReader.Filter(rows, "test", split, a).Select(r => r.File));
        Assert.Throws<ManifestException>(() => ManifestSet.Parts($"{a},{a}"));
        // The same split file also serves one of the manifests read alone.
        Assert.Equal(new[] { "z.png" }, ManifestReader.Filter(ManifestReader.Read(b), "test", split, b).Select(r => r.File));
    }

    [Fact]
    public void Common_ancestor_of_sibling_and_nested_folders() =>
        Assert.Equal(Path.GetFullPath("/data"), ManifestSet.CommonAncestor(["/data/cxr", "/data/shenzhen/png", "/data"]));

    [Fact]
    public void A_bad_label_names_the_file_and_line()
    {
        string manifest = Write(TestBundles.TempDirectory(), "m.csv", "file,label\na.png,1\nb.png,yes\n");

        var e = Assert.Throws<ManifestException>(() => ManifestReader.Read(manifest));

        Assert.Equal($"{manifest}:3: label 'yes' must be 1 (TB) or 0 (not TB)", e.Message);
    }

    /// <summary>
    /// Regression: evaluation had its own manifest parser. It kept "male" as written while training read "M", split
    /// lines before quotes (a quoted line break broke the row) and turned an unreadable age into no age without a word.
    /// </summary>
    [Fact]
    public void Training_and_evaluation_read_a_manifest_alike()
    {
        string dir = TestBundles.TempDirectory();
        string manifest = Write(dir, "manifest.csv",
            "file,label,sex,age,source,finding_labels,split\n" +
            "a.png,1,male,35.5,site_a,\"cavity,\nright apex\",test\n" +
            "\n" +
            "b.png,0,Femal,,site_a\n" +
            "c\\d.png,0,F,7,,,train\n");

        var rows = ManifestReader.Read(manifest);
        var records = DatasetLoader.Load(manifest);

        Assert.Equal([2, 5, 6], rows.Select(r => r.Line)); // the line each row begins on, past the quoted line break and the blank line
        Assert.Equal(["M", "F", "F"], rows.Select(r => r.Sex));
        Assert.Equal("cavity,\nright apex", rows[0].Findings);
        Assert.Equal(["test", null, "train"], rows.Select(r => r.Split));
        Assert.Equal(Path.Combine(dir, "c", "d.png"), rows[2].Path);
        Assert.Equal(
            records.Select(r => (r.Path, r.Label == CxrRecord.Tb, r.Sex, r.Age, r.Source ?? "unknown", r.Finding)),
            rows.Select(r => (r.Path, r.IsTb, r.Sex, r.Age, r.Source, r.Findings)));
    }

    [Fact]
    public void An_age_that_is_not_years_names_the_file_and_line()
    {
        string manifest = Write(TestBundles.TempDirectory(), "m.csv", "file,label,age\na.png,1,40\nb.png,0,45Y\n");

        Assert.Equal($"{manifest}:3: age '45Y' is not a number of years", Assert.Throws<ManifestException>(() => ManifestReader.Read(manifest)).Message);
        Assert.Equal($"{manifest}:3: age '45Y' is not a number of years", Assert.Throws<DatasetException>(() => DatasetLoader.Load(manifest)).Message);
    }

    [Fact]
    public void A_missing_label_column_is_named()
    {
        string manifest = Write(TestBundles.TempDirectory(), "m.csv", "file,source\na.png,x\n");
        Assert.Contains("no 'label' column", Assert.Throws<ManifestException>(() => ManifestReader.Read(manifest)).Message);
    }

    [Fact]
    public void Splits_come_from_a_split_file_or_the_manifest_column()
    {
        string dir = TestBundles.TempDirectory();
        string manifest = Write(dir, "m.csv", "file,label,split\na.png,1,train\nb.png,0,test\nc.png,1,test\n");
        string splits = Write(dir, "splits.csv", "file,split\na.png,test\nb.png,val\n");
        var rows = ManifestReader.Read(manifest);

        Assert.Equal(["b.png", "c.png"], ManifestReader.Filter(rows, "test", null, manifest).Select(r => r.File));
        Assert.Equal(["a.png"], ManifestReader.Filter(rows, "test", splits, manifest).Select(r => r.File));
        Assert.Contains("no rows in split 'holdout'", Assert.Throws<ManifestException>(() => ManifestReader.Filter(rows, "holdout", null, manifest)).Message);
    }

    [Fact]
    public void An_nlm_folder_as_distributed_reads_labels_from_names_and_demographics_from_the_readings()
    {
        string root = Path.Combine(TestBundles.TempDirectory(), "MontgomerySet");
        WriteNlm(root, ("MCUCXR_0001_0", "Patient's Sex: F\nPatient's Age: 042Y\nnormal\n"), ("MCUCXR_0002_1", "Patient's Sex: M\nPatient's Age: 067Y\nright upper lobe TB\n"));

        var rows = ManifestReader.Read(root);

        Assert.Equal(["CXR_png/MCUCXR_0001_0.png", "CXR_png/MCUCXR_0002_1.png"], rows.Select(r => r.File));
        Assert.Equal([false, true], rows.Select(r => r.IsTb));
        Assert.Equal([("F", 42.0), ("M", 67.0)], rows.Select(r => (r.Sex!, r.Age!.Value)));
        Assert.All(rows, r => Assert.Equal(("montgomery", 0, (string?)null), (r.Source, r.Line, r.Split)));
        Assert.Equal(Path.Combine(root, "CXR_png", "MCUCXR_0002_1.png"), rows[1].Path);
        Assert.Equal("right upper lobe TB", rows[1].Findings);
    }

    [Fact]
    public void A_folder_and_a_manifest_read_as_one_set_and_a_split_file_names_the_folder_rows()
    {
        string root = TestBundles.TempDirectory();
        WriteNlm(Path.Combine(root, "MontgomerySet"), ("MCUCXR_0001_0", "Patient's Sex: F\n"), ("MCUCXR_0002_1", "Patient's Sex: M\n"));
        Directory.CreateDirectory(Path.Combine(root, "cxr"));
        string manifest = Write(Path.Combine(root, "cxr"), "manifest.csv", "file,label,source\nx.png,1,tbx11k\n");
        string data = $"{Path.Combine(root, "MontgomerySet")},{manifest}";

        var rows = ManifestReader.Read(data);
        Assert.Equal(["MontgomerySet/CXR_png/MCUCXR_0001_0.png", "MontgomerySet/CXR_png/MCUCXR_0002_1.png", "cxr/x.png"], rows.Select(r => r.File));

        string splitFile = Write(root, "split.csv", "file,split\nMontgomerySet/CXR_png/MCUCXR_0002_1.png,test\ncxr/x.png,test\nMontgomerySet/CXR_png/MCUCXR_0001_0.png,train\n");
        Assert.Equal(["MontgomerySet/CXR_png/MCUCXR_0002_1.png", "cxr/x.png"], ManifestReader.Filter(rows, "test", splitFile, data).Select(r => r.File));
    }

    /// <summary>
    /// A folder named instead of its manifest (`--data ../shared/data/shenzhen`) reads as that manifest, before any
    /// layout is guessed: its sub-folders (masks/) used to be taken for label folders.
    /// </summary>
    [Fact]
    public void A_folder_with_its_own_manifest_reads_as_the_manifest()
    {
        string dir = TestBundles.TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir, "masks"));
        string manifest = Write(dir, "manifest.csv", "file,label,sex,age,source,split\na.png,1,M,40,shenzhen,test\nb.png,0,F,35,shenzhen,train\n");

        var fromFolder = ManifestReader.Read(dir);

        Assert.Equal(ManifestReader.Read(manifest), fromFolder);
        Assert.Equal(["a.png"], ManifestReader.Filter(fromFolder, "test", null, dir).Select(r => r.File));
        Assert.Equal(
            DatasetLoader.Load(manifest).Select(r => (r.Path, r.Label, r.Sex, r.Age, r.PatientId)),
            DatasetLoader.Load(dir).Select(r => (r.Path, r.Label, r.Sex, r.Age, r.PatientId)));
    }

    [Fact]
    public void A_folder_in_no_known_layout_is_an_error_naming_it()
    {
        string root = TestBundles.TempDirectory();
        Directory.CreateDirectory(Path.Combine(root, "scans"));

        var e = Assert.Throws<DatasetException>(() => ManifestReader.Read(root));

        Assert.Equal(Path.GetFullPath(root), e.FilePath);
        Assert.Contains("sub-folder 'scans' is not a label", e.Message);
    }

    private static void WriteNlm(string root, params (string Stem, string Readings)[] cases)
    {
        Directory.CreateDirectory(Path.Combine(root, "CXR_png"));
        Directory.CreateDirectory(Path.Combine(root, "ClinicalReadings"));
        foreach (var (stem, readings) in cases)
        {
            File.WriteAllBytes(Path.Combine(root, "CXR_png", stem + ".png"), []);
            File.WriteAllText(Path.Combine(root, "ClinicalReadings", stem + ".txt"), readings);
        }
    }

    private static string Write(string dir, string name, string text)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
