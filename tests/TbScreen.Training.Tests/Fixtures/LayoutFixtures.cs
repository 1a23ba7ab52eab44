using System.Globalization;

using TbScreen.Inference.Datasets;

namespace TbScreen.Training.Tests.Fixtures;

/// <summary>Small folders that mimic each public layout, written by our own code.</summary>
public static class LayoutFixtures
{
    /// <summary>manifest.csv with quoted fields and extra columns, images under images/; n images, alternating labels, two images per NIH patient.</summary>
    public static string Manifest(string root, int n, int size = 32)
    {
        var lines = new List<string> { "file,label,sex,age,source,original_id,view,finding_labels" };
        for (int i = 0; i < n; i++)
        {
            int label = i % 2;
            string file = $"images/img_{i:D3}.png";
            SyntheticCxr.WritePng(Path.Combine(root, file), size, seed: i + 1, blob: label == 1);
            string source = label == 1 ? "tbx11k" : "nih_cxr14";
            string original = label == 1 ? $"tb{i:D4}" : $"{i / 4:D8}_{i % 4:D3}.png"; // patients i/4: two negatives each
            string findings = label == 1 ? "" : "\"Effusion|Infiltration, left\"";
            string sex = label == 1 ? "" : (i % 4 == 0 ? "M" : "F");
            string age = label == 1 ? "" : (30 + i).ToString(CultureInfo.InvariantCulture);
            lines.Add($"{file},{label},{sex},{age},{source},{original},PA,{findings}");
        }

        string manifest = Path.Combine(root, "manifest.csv");
        File.WriteAllLines(manifest, lines);
        return manifest;
    }

    /// <summary>Shenzhen-style CXR_png + ClinicalReadings with the spellings NLM uses; Montgomery-style too.</summary>
    public static void Nlm(string root)
    {
        var cases = new (string Name, string Readings)[]
        {
            ("CHNCXR_0001_0", "male 35yrs\nnormal\n"),
            ("CHNCXR_0002_1", "femal 24yrs\nPTB in the left upper field\n"),
            ("CHNCXR_0003_1", "male 16month\nbilateral PTB\n"),
            ("MCUCXR_0004_0", "Patient's Sex: F\r\nPatient's Age: 042Y\r\nnormal\r\n"),
            ("MCUCXR_0005_1", "Patient's Sex: M\nPatient's Age: 067Y\nright upper lobe cavity\n"),
        };
        int seed = 1;
        foreach (var (name, readings) in cases)
        {
            SyntheticCxr.WritePng(Path.Combine(root, "CXR_png", name + ".png"), 32, seed++, name.EndsWith("_1", StringComparison.Ordinal));
            Directory.CreateDirectory(Path.Combine(root, "ClinicalReadings"));
            File.WriteAllText(Path.Combine(root, "ClinicalReadings", name + ".txt"), readings);
        }
    }

    /// <summary>TBX11K: imgs/{health,sick,tb,test} and lists/TBX11K_val.txt.</summary>
    public static void Tbx11k(string root)
    {
        string[] files = ["health/h0001.png", "health/h0002.png", "sick/s0001.png", "tb/tb0001.png", "tb/tb0002.png", "test/t0001.png"];
        for (int i = 0; i < files.Length; i++)
        {
            SyntheticCxr.WritePng(Path.Combine(root, "imgs", files[i]), 32, i + 1, files[i].StartsWith("tb/", StringComparison.Ordinal));
        }

        Directory.CreateDirectory(Path.Combine(root, "lists"));
        File.WriteAllLines(Path.Combine(root, "lists", "TBX11K_val.txt"), ["health/h0002.png", "tb/tb0002.png"]);
    }

    /// <summary>folder/&lt;label&gt;/*.png with 0 and tb as label names.</summary>
    public static void LabelFolders(string root)
    {
        SyntheticCxr.WritePng(Path.Combine(root, "0", "a.png"), 32, 1, false);
        SyntheticCxr.WritePng(Path.Combine(root, "0", "b.png"), 32, 2, false);
        SyntheticCxr.WritePng(Path.Combine(root, "tb", "c.png"), 32, 3, true);
        File.WriteAllText(Path.Combine(root, "tb", "notes.txt"), "not an image");
    }
}
