using TbScreen.Inference.Bundles;

namespace TbScreen.Training.Tests.Fixtures;

/// <summary>The repository's models/ folder; copies of bundles go to a test's temp folder so nothing is written into models/.</summary>
internal static class ShippedModels
{
    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TbScreen.sln"))) return Path.Combine(dir.FullName, "models");
            }

            throw new InvalidOperationException("TbScreen.sln not found above the test folder.");
        }
    }

    public static string Bundle(string name) => Path.Combine(Directory, name);

    /// <summary>Copies metadata.json, quantization.json, ood.json and model.onnx where present (an INT8 copy has none: loading rebuilds it there).</summary>
    public static void Copy(string name, string modelsFolder)
    {
        string target = Path.Combine(modelsFolder, name);
        System.IO.Directory.CreateDirectory(target);
        foreach (string file in new[] { ModelBundle.MetadataFileName, "quantization.json", ModelBundle.OnnxFileName, "ood.json" })
        {
            string source = Path.Combine(Bundle(name), file);
            if (File.Exists(source) && !(file == ModelBundle.OnnxFileName && name.EndsWith("-int8", StringComparison.Ordinal))) File.Copy(source, Path.Combine(target, file));
        }
    }

    /// <summary>An ensemble file (mean rule) of the given bundles at the first member's operating threshold.</summary>
    public static void Ensemble(string modelsFolder, string file, params string[] bundles)
    {
        double threshold = ModelBundle.ReadMetadata(Path.Combine(modelsFolder, bundles[0])).Thresholds!.OperatingValue;
        string members = string.Join(", ", bundles.Select(b => $"{{ \"bundle\": \"{b}\", \"weight\": 1 }}"));
        File.WriteAllText(Path.Combine(modelsFolder, file),
            $"{{ \"schemaVersion\": 1, \"members\": [ {members} ], \"rule\": \"mean\", \"threshold\": {threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} }}");
    }

    /// <summary>Deterministic [0,1] gray planes with structure, saturated pixels (0 and 1) and mid-greys.</summary>
    public static float[][] Planes(int count, int size) =>
        Enumerable.Range(0, count).Select(i => Enumerable.Range(0, size * size).Select(p =>
        {
            int x = p % size, y = p / size;
            if ((x + y + i) % 37 == 0) return 1f;
            if ((x * 3 + y + i) % 41 == 0) return 0f;
            return (float)(0.5 + 0.35 * Math.Sin((x + 7 * i) / 17.0) * Math.Cos((y - 3 * i) / 23.0));
        }).ToArray()).ToArray();
}
