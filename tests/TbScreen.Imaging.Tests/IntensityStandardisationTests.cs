namespace TbScreen.Imaging.Tests;

/// <summary>Histogram equalisation and CLAHE (stage 5b), worked out by hand or by invariance.</summary>
public sealed class IntensityStandardisationTests
{
    // A full-range 8-bit LINEAR window, as the PNG loader uses.
    private static Radiograph Image8Bit(int rows, int columns, Func<int, int, int> value)
    {
        var stored = new int[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                stored[r * columns + c] = value(r, c);
            }
        }

        return TestRadiographs.Gray(rows, columns, stored, bitsStored: 8, voi: new WindowVoi(128, 256, VoiLutFunction.Linear));
    }

    private static float[] Tensor(Radiograph radiograph, IntensityStandardisation method, float clip = 2f) =>
        RadiographPipeline.ToTensor(radiograph, InputContract.Default with
        {
            Size = radiograph.Layout.Columns, Channels = 1, Mean = 0, Std = 1, Standardisation = method, ClaheClipLimit = clip,
        });

    [Fact]
    public void EqualisationMapsEachValueToItsMidRankFrequency()
    {
        // 3 of 4 pixels dark (bin of 0.2), 1 of 4 bright: dark -> (0 + 3/2)/4 = 0.375, bright -> (3 + 1/2)/4 = 0.875.
        var image = Image8Bit(2, 2, (r, c) => r == 1 && c == 1 ? 204 : 51);
        var result = Tensor(image, IntensityStandardisation.HistogramEqualisation);

        Assert.Equal(new[] { 0.375f, 0.375f, 0.375f, 0.875f }, result);
    }

    [Fact]
    public void EqualisationUndoesAMonotonicSiteCurve()
    {
        // Two "sites" render the same anatomy with different tone curves (identity vs gamma 2);
        // after equalisation the inputs agree, which is why it blunts the site shortcut.
        Func<int, int, int> anatomy = (r, c) => 10 + 15 * ((r * 4 + c) % 16);
        var linear = Image8Bit(4, 4, anatomy);
        var gamma = Image8Bit(4, 4, (r, c) => (int)Math.Round(255 * Math.Pow(anatomy(r, c) / 255.0, 2)));

        Assert.NotEqual(Tensor(linear, IntensityStandardisation.None), Tensor(gamma, IntensityStandardisation.None));
        Assert.Equal(Tensor(linear, IntensityStandardisation.HistogramEqualisation), Tensor(gamma, IntensityStandardisation.HistogramEqualisation));
    }

    [Fact]
    public void ClaheWithOneTileAndNoClippingIsGlobalEqualisation()
    {
        var image = Image8Bit(16, 16, (r, c) => (r * 37 + c * 11) % 256);
        var global = Tensor(image, IntensityStandardisation.HistogramEqualisation);
        var clahe = RadiographPipeline.ToTensor(image, InputContract.Default with
        {
            Size = 16, Channels = 1, Mean = 0, Std = 1, Standardisation = IntensityStandardisation.Clahe, ClaheClipLimit = 1000, ClaheTiles = 1,
        });

        Assert.Equal(global, clahe);
    }

    [Fact]
    public void ClaheStretchesLocalContrast()
    {
        // Left half dark and nearly flat, right half bright and nearly flat: CLAHE spreads each half's small
        // variation, so the spread within the left half grows.
        var image = Image8Bit(64, 64, (r, c) => c < 32 ? 40 + (r + c) % 8 : 200 + (r + c) % 8);
        float Spread(float[] t) => Enumerable.Range(0, 64).SelectMany(r => Enumerable.Range(0, 32).Select(c => t[r * 64 + c])).Max()
                                   - Enumerable.Range(0, 64).SelectMany(r => Enumerable.Range(0, 32).Select(c => t[r * 64 + c])).Min();

        float before = Spread(Tensor(image, IntensityStandardisation.None));
        float after = Spread(Tensor(image, IntensityStandardisation.Clahe));

        Assert.True(after > 3 * before, $"spread {before:F3} -> {after:F3}");
    }

    [Fact]
    public void InvalidClaheSettingsAreRefused()
    {
        var contract = InputContract.Default with { Standardisation = IntensityStandardisation.Clahe, ClaheClipLimit = 0.5f };
        Assert.Throws<ArgumentException>(contract.Validate);
    }
}
