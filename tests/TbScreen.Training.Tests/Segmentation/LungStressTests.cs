using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TbScreen.Imaging;
using TbScreen.Inference.Lungs;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Segmentation;

namespace TbScreen.Training.Tests.Segmentation;

public sealed class LungStressTests
{
    private static StressImage Ramp(int width, int height)
    {
        var gray = new float[width * height];
        var mask = new bool[width * height];
        for (int i = 0; i < gray.Length; i++)
        {
            gray[i] = (i % 97) / 96f;
            mask[i] = i % 3 == 0;
        }

        return new StressImage(gray, width, height, new BinaryMask(width, height, mask));
    }

    [Fact]
    public void Pad_moves_image_and_mask_by_the_margins()
    {
        var image = new StressImage([0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f], 3, 2, new BinaryMask(3, 2, [true, false, false, false, false, true]));

        var padded = LungStress.Pad(image, left: 1, top: 2, right: 0, bottom: 1);

        Assert.Equal(4, padded.Width);
        Assert.Equal(5, padded.Height);
        float[] expected =
        [
            0, 0, 0, 0,
            0, 0, 0, 0,
            0, 0.1f, 0.2f, 0.3f,
            0, 0.4f, 0.5f, 0.6f,
            0, 0, 0, 0,
        ];
        Assert.Equal(expected, padded.Gray);
        Assert.True(padded.Mask[2, 1]);
        Assert.True(padded.Mask[3, 3]);
        Assert.Equal(2, padded.Mask.Area);
    }

    [Fact]
    public void A_stress_image_round_trips_through_a_16_bit_radiograph()
    {
        var image = Ramp(7, 5);

        float[] back = RadiographPipeline.ToUnitGray(LungStress.ToRadiograph(image, "ramp"));

        Assert.Equal(image.Gray.Length, back.Length);
        for (int i = 0; i < back.Length; i++)
        {
            Assert.InRange(back[i] - image.Gray[i], -1e-4f, 1e-4f);
        }
    }

    [Fact]
    public void Every_condition_reproduces_from_its_seed_and_only_geometric_ones_move_the_mask()
    {
        var image = Ramp(64, 80);
        foreach (var condition in LungStress.Conditions)
        {
            var a = condition.Apply(image, new Random(3));
            var b = condition.Apply(image, new Random(3));
            Assert.Equal(a.Gray, b.Gray);
            Assert.Equal(a.Width * a.Height, a.Gray.Length);
            Assert.Equal(image.Mask.Area, a.Mask.Area); // margins add background, never lung
            bool geometric = condition.Name is "zoom-out" or "portrait";
            Assert.Equal(geometric, a.Width != image.Width || a.Height != image.Height);
            if (!geometric)
            {
                Assert.Same(image.Mask, a.Mask);
            }

            Assert.Equal(condition.Name != "none", !a.Gray.SequenceEqual(image.Gray));
        }

        var portrait = LungStress.Conditions.Single(c => c.Name == "portrait").Apply(image, new Random(1));
        Assert.Equal((64, 80 + 9 + 9), (portrait.Width, portrait.Height)); // 11% of 80 rows is 8.8, rounded to 9 per side
    }

    [Fact]
    public void Selection_keeps_the_fixed_order_leads_with_none_and_names_unknown_conditions()
    {
        Assert.Equal(["none", "blur"], LungStress.Select(["blur"]).Select(c => c.Name));
        Assert.Equal(LungStress.Conditions.Count, LungStress.Select(null).Count);
        var e = Assert.Throws<ArgumentException>(() => LungStress.Select(["fog"]));
        Assert.Contains("'fog'", e.Message);
        Assert.Contains("zoom-out", e.Message);
    }

    [Fact]
    public void Nlm_layout_reference_masks_are_the_union_of_left_and_right_even_when_stored_as_0_and_1()
    {
        string root = Path.Combine(Path.GetTempPath(), "tbscreen-nlm-" + Guid.NewGuid().ToString("N"));
        try
        {
            string image = Path.Combine(root, "CXR_png", "MCUCXR_0001_0.png");
            Write(image, 4, 2, (x, _) => 100);
            Write(Path.Combine(root, "ManualMask", "leftMask", "MCUCXR_0001_0.png"), 4, 2, (x, y) => x == 0 && y == 0 ? 1 : 0);
            Write(Path.Combine(root, "ManualMask", "rightMask", "MCUCXR_0001_0.png"), 4, 2, (x, y) => x == 3 && y == 1 ? 1 : 0);
            var record = new CxrRecord(image, 0, null, null, "montgomery", "montgomery:MCUCXR_0001", "MCUCXR_0001_0", null);

            Assert.Equal(2, MaskedImages.ReferenceMaskPaths(record).Count);
            var mask = LungEvaluation.ReadReference(record, 4, 2);

            Assert.Equal([true, false, false, false, false, false, false, true], mask.Pixels);
            var wrongSize = Assert.Throws<DatasetException>(() => LungEvaluation.ReadReference(record, 5, 2));
            Assert.Contains("leftMask", wrongSize.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void An_image_without_any_reference_mask_has_no_paths()
    {
        var record = new CxrRecord(Path.Combine(Path.GetTempPath(), "nowhere", "x.png"), 0, null, null, "s", "p", "x", null);
        Assert.Empty(MaskedImages.ReferenceMaskPaths(record));
        Assert.Throws<DatasetException>(() => LungEvaluation.ReadReference(record, 1, 1));
    }

    private static void Write(string path, int width, int height, Func<int, int, int> value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var png = new Image<L8>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                png[x, y] = new L8((byte)value(x, y));
            }
        }

        png.SaveAsPng(path);
    }
}
