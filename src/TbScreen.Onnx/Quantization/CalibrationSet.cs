using System.Security.Cryptography;
using System.Text;

namespace TbScreen.Onnx.Quantization;

/// <summary>The calibration images and their identity: a SHA-256 over each image's file name and content, in order.</summary>
public static class CalibrationSet
{
    /// <summary>
    /// Takes <paramref name="count"/> paths from the training split in a seeded shuffle (so every source is represented
    /// in proportion), or all of them when there are fewer.
    /// </summary>
    public static IReadOnlyList<string> Choose(IReadOnlyList<string> trainingPaths, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(trainingPaths);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), "the calibration count must be at least 1");
        var ordered = trainingPaths.OrderBy(p => Path.GetFileName(p), StringComparer.Ordinal).ToArray();
        new Random(seed).Shuffle(ordered);
        return ordered.Take(count).ToList();
    }

    /// <summary>Lower-case hex SHA-256 of "name\tsha256(content)\n" per image: renaming, replacing or reordering an image changes it.</summary>
    public static string Hash(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var text = new StringBuilder();
        foreach (string path in paths)
        {
            using var stream = File.OpenRead(path);
            text.Append(Path.GetFileName(path)).Append('\t').Append(Convert.ToHexStringLower(SHA256.HashData(stream))).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
