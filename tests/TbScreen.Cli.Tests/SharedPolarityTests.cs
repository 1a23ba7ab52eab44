using TbScreen.Dicom.Tests.TestData;
using TbScreen.Imaging;

namespace TbScreen.Cli.Tests;

/// <summary>
/// The "inverted" flag with the shipped models/lungs on the 75 films of the Shenzhen test split
/// (../shared/data/shenzhen, read in place) and on their photographic negatives, written by our own PNG writer into a
/// temporary folder: `tbscreen screen` must flag every negative "inverted" and none of the films as given
/// (docs/segmentation.md: over all 1418 films of ../shared, 99.2% of the negatives and 0.14% of the films). Skips
/// with the folder's name when the data is absent, fails under CI=true.
/// </summary>
public sealed class SharedPolarityTests
{
    [SkippableFact]
    public void Negatives_of_the_Shenzhen_test_films_are_flagged_inverted_and_the_films_are_not()
    {
        string shenzhen = RequireShenzhen();
        string[] films = File.ReadLines(Path.Combine(Models, "split-all-sources.csv"))
            .Select(line => line.Split(','))
            .Where(f => f[0] == "test" && f[1].StartsWith("shenzhen/", StringComparison.Ordinal))
            .Select(f => Path.Combine(shenzhen, f[1]["shenzhen/".Length..]))
            .ToArray();
        Assert.Equal(75, films.Length);
        string negatives = Path.GetDirectoryName(CliRunner.TempPath("negatives"))!;
        foreach (string film in films)
        {
            WriteNegative(film, Path.Combine(negatives, "negative-" + Path.GetFileName(film)));
        }

        var (code, stdout, stderr) = CliRunner.Run(["screen", .. films, negatives, "--models", Models]);

        Assert.True(code == 0, stderr);
        var flags = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Contains(".png:", StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(".png:", StringComparison.Ordinal)], l => l.Split(' ').Single(t => t.StartsWith("flag=", StringComparison.Ordinal))["flag=".Length..].Split('+'));
        Assert.Equal(150, flags.Count);
        var negativeFlags = flags.Where(f => Path.GetFileName(f.Key).StartsWith("negative-", StringComparison.Ordinal)).ToList();
        Assert.Equal(75, negativeFlags.Count);
        Assert.All(negativeFlags, f => Assert.Contains("inverted", f.Value));
        Assert.All(flags.Except(negativeFlags), f => Assert.DoesNotContain("inverted", f.Value));
        Assert.Contains("looks inverted: the lungs are found with more confidence in the film's negative", stdout);
    }

    [SkippableFact]
    public void Segment_says_which_of_a_film_and_its_negative_looks_inverted()
    {
        string film = Path.Combine(RequireShenzhen(), "shz_dev_0034.png");
        string negative = CliRunner.TempPath("negative.png");
        WriteNegative(film, negative);

        var (code, stdout, stderr) = CliRunner.Run("segment", film, negative, "--out", Path.Combine(Path.GetDirectoryName(negative)!, "masks"), "--models", Models);

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain("looks inverted", Assert.Single(lines, l => l.StartsWith(film, StringComparison.Ordinal)));
        Assert.Contains(", looks inverted (", Assert.Single(lines, l => l.StartsWith(negative, StringComparison.Ordinal)));
    }

    private static string Models => Path.Combine(SharedDicomData.RepositoryRoot, "models");

    private static string RequireShenzhen()
    {
        string shenzhen = Path.Combine(SharedDicomData.SharedDataFolder, "shenzhen");
        SharedDicomData.Require(Path.Combine(shenzhen, "manifest.csv"));
        return shenzhen;
    }

    /// <summary>The film's photographic negative (stored values 255 - v) as an 8-bit PNG written by our own writer.</summary>
    private static void WriteNegative(string film, string target)
    {
        var radiograph = RasterImageLoader.Default.Load(film);
        Assert.Equal(8, radiograph.Layout.BitsStored);
        byte[] inverted = radiograph.StoredPixels.Select(v => (byte)(255 - v)).ToArray();
        File.WriteAllBytes(target, GrayPngWriter.Encode(inverted, radiograph.Layout.Columns, radiograph.Layout.Rows));
    }
}
