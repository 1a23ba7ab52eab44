using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using TbScreen.Imaging;

namespace TbScreen.Imaging.Tests;

public class RasterImageLoaderTests
{
    private static Radiograph LoadBytes(byte[] bytes, string name = "upload.png") =>
        RasterImageLoader.Default.Load(new MemoryStream(bytes), name);

    private static byte[] Encode<TPixel>(Image<TPixel> image, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }

    private static byte[] Gray16Png(ushort[] values, int width, int height)
    {
        using var image = new Image<L16>(width, height);
        for (int i = 0; i < values.Length; i++)
        {
            image[i % width, i / width] = new L16(values[i]);
        }

        return Encode(image, new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.Grayscale });
    }

    [Fact]
    public void Huge_dimensions_are_rejected_before_decoding()
    {
        byte[] png = PngBytes.GrayHeaderOnly(60000, 60000);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<ImageDecodeException>(() => LoadBytes(png, "bomb.png"));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("60000x60000", error.Message);
        Assert.StartsWith("bomb.png: ", error.Message);
        Assert.Equal("bomb.png", error.FilePath);
        // Bytes, not seconds: decoding the 3.6-gigapixel image would allocate gigabytes, however fast the machine.
        Assert.True(allocated < 50L * 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Limits_are_configurable()
    {
        byte[] png = Gray16Png(new ushort[20 * 10], 20, 10);
        var loader = new RasterImageLoader(new RasterLoadOptions { MaxSide = 16 });
        var error = Assert.Throws<ImageDecodeException>(() => loader.Load(new MemoryStream(png), "wide.png"));
        Assert.Contains("20x10", error.Reason);
    }

    [Fact]
    public void Gray_16_bit_png_keeps_exact_values()
    {
        ushort[] values = [0, 1, 257, 4095, 65534, 65535];
        Radiograph radiograph = LoadBytes(Gray16Png(values, 3, 2));

        Assert.Equal(new PixelLayout(2, 3, 1, 16, false, "MONOCHROME2"), radiograph.Layout);
        Assert.Equal(values.Select(v => (int)v), radiograph.StoredPixels);
        Assert.Null(radiograph.ModalityLut);
        Assert.Equal(new WindowVoi(32768, 65536, VoiLutFunction.Linear), radiograph.Voi);
        Assert.Equal("upload.png", radiograph.Source);
    }

    [Theory]
    [InlineData(0, 8)]
    [InlineData(255, 8)]
    [InlineData(256, 10)]
    [InlineData(1023, 10)]
    [InlineData(1024, 12)]
    [InlineData(4095, 12)]
    [InlineData(4096, 14)]
    [InlineData(16383, 14)]
    [InlineData(16384, 16)]
    [InlineData(65535, 16)]
    public void Significant_bits_are_the_largest_samples_bit_length_rounded_up_to_even(int largest, int expected)
    {
        Assert.Equal(expected, RasterImageLoader.SignificantBits(new[] { 0, largest / 2, largest }));
    }

    [Fact]
    public void Twelve_bit_data_in_a_16_bit_png_is_windowed_on_12_bits()
    {
        // Regression: detector data written into a 16-bit PNG unscaled used to be windowed on 0..65535, so the
        // brightest bone reached 1/16 of white and the model saw a black film.
        ushort[] values = [0, 100, 2048, 4095, 3000, 17];
        Radiograph radiograph = LoadBytes(Gray16Png(values, 3, 2), "export-12bit.png");

        Assert.Equal(new PixelLayout(2, 3, 1, 12, false, "MONOCHROME2"), radiograph.Layout);
        Assert.Equal(values.Select(v => (int)v), radiograph.StoredPixels);
        Assert.Equal(new WindowVoi(2048, 4096, VoiLutFunction.Linear), radiograph.Voi);
        float[] gray = RadiographPipeline.ToUnitGray(radiograph);
        Assert.Equal(1f, gray[3]);
        Assert.Equal(0f, gray[0]);
        Assert.Equal((float)(((2048 - 2047.5) / 4095) + 0.5), gray[2], 6);
    }

    [Fact]
    public void Eight_bit_values_in_a_16_bit_png_give_the_8_bit_pngs_tensor()
    {
        using var image = new Image<L8>(2, 1);
        image[0, 0] = new L8(3);
        image[1, 0] = new L8(250);
        Radiograph eightBit = LoadBytes(Encode(image, new PngEncoder { BitDepth = PngBitDepth.Bit8, ColorType = PngColorType.Grayscale }));
        Radiograph sixteenBit = LoadBytes(Gray16Png([3, 250], 2, 1));

        Assert.Equal(RadiographPipeline.ToTensor(eightBit, InputContract.Default), RadiographPipeline.ToTensor(sixteenBit, InputContract.Default));
    }

    [Fact]
    public void Twelve_bit_film_saved_raw_or_scaled_to_16_bits_gives_the_same_image()
    {
        int[] film = Enumerable.Range(0, 64 * 64).Select(i => (i * 37) % 4096).ToArray();
        ushort[] raw = film.Select(v => (ushort)v).ToArray();
        ushort[] scaled = film.Select(v => (ushort)((v << 4) | (v >> 8))).ToArray(); // PNG's left-bit replication

        float[] fromRaw = RadiographPipeline.ToTensor(LoadBytes(Gray16Png(raw, 64, 64)), InputContract.Default);
        float[] fromScaled = RadiographPipeline.ToTensor(LoadBytes(Gray16Png(scaled, 64, 64)), InputContract.Default);

        // 0.25 of a 12-bit step in [0,1], times 1/Std (4), at most.
        Assert.All(fromRaw.Zip(fromScaled), p => Assert.InRange(p.First - p.Second, -4f / 4095, 4f / 4095));
    }

    [Theory]
    [InlineData(1, 2, 3, new[] { 1, 2, 3, 4, 5, 6 })]
    [InlineData(6, 3, 2, new[] { 4, 1, 5, 2, 6, 3 })] // 0th row on the right: turned 90 degrees clockwise to show
    [InlineData(3, 2, 3, new[] { 6, 5, 4, 3, 2, 1 })] // upside down
    [InlineData(8, 3, 2, new[] { 3, 6, 2, 5, 1, 4 })] // 0th row on the left: turned 90 degrees anticlockwise
    public void Exif_orientation_is_applied_so_the_film_is_read_as_it_is_shown(ushort orientation, int rows, int columns, int[] expected)
    {
        // Stored 3 wide and 2 high: 1 2 3 / 4 5 6.
        using var image = new Image<L8>(3, 2);
        for (int i = 0; i < 6; i++)
        {
            image[i % 3, i / 3] = new L8((byte)(i + 1));
        }

        image.Metadata.ExifProfile = new SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile();
        image.Metadata.ExifProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.Orientation, orientation);
        Radiograph radiograph = LoadBytes(Encode(image, new PngEncoder { BitDepth = PngBitDepth.Bit8, ColorType = PngColorType.Grayscale }));

        Assert.Equal((rows, columns), (radiograph.Layout.Rows, radiograph.Layout.Columns));
        Assert.Equal(expected, radiograph.StoredPixels);
    }

    [Fact]
    public void A_phone_jpeg_turned_by_exif_is_read_upright()
    {
        // 64 wide, 32 high: dark left half, bright right half. Orientation 6 shows it 32 wide and 64 high: the stored left column becomes the top row, so dark on top.
        using var image = new Image<Rgb24>(64, 32);
        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                image[x, y] = x < 32 ? new Rgb24(20, 20, 20) : new Rgb24(230, 230, 230);
            }
        }

        image.Metadata.ExifProfile = new SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile();
        image.Metadata.ExifProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.Orientation, (ushort)6);
        Radiograph radiograph = LoadBytes(Encode(image, new JpegEncoder { Quality = 95 }), "phone.jpg");

        Assert.Equal((64, 32), (radiograph.Layout.Rows, radiograph.Layout.Columns));
        Assert.All(radiograph.StoredPixels.Take(24 * 32), v => Assert.InRange(v, 10, 30));
        Assert.All(radiograph.StoredPixels.Skip(40 * 32), v => Assert.InRange(v, 220, 240));
    }

    [Fact]
    public void Gray_8_bit_png_stays_8_bit()
    {
        using var image = new Image<L8>(2, 1);
        image[0, 0] = new L8(3);
        image[1, 0] = new L8(250);
        Radiograph radiograph = LoadBytes(Encode(image, new PngEncoder { BitDepth = PngBitDepth.Bit8, ColorType = PngColorType.Grayscale }));

        Assert.Equal(8, radiograph.Layout.BitsStored);
        Assert.Equal([3, 250], radiograph.StoredPixels);
        Assert.Equal(RasterImageLoader.FullRangeWindow(8), radiograph.Voi);
    }

    [Fact]
    public void Rgb_png_becomes_bt601_gray()
    {
        // (255, 0, 0): 0.299 * 255 = 76.245 -> 76; (10, 20, 30): 2.99 + 11.74 + 3.42 = 18.15 -> 18; gray stays exact.
        using var image = new Image<Rgba32>(3, 1);
        image[0, 0] = new Rgba32(255, 0, 0, 255);
        image[1, 0] = new Rgba32(10, 20, 30, 128);
        image[2, 0] = new Rgba32(99, 99, 99, 255);
        Radiograph radiograph = LoadBytes(Encode(image, new PngEncoder { ColorType = PngColorType.RgbWithAlpha }));

        Assert.Equal("MONOCHROME2", radiograph.Layout.PhotometricInterpretation);
        Assert.Equal(8, radiograph.Layout.BitsStored);
        Assert.Equal([76, 18, 99], radiograph.StoredPixels);
    }

    [Fact]
    public void Gray_jpeg_loads_as_8_bit()
    {
        using var image = new Image<L8>(16, 16, new L8(100));
        Radiograph radiograph = LoadBytes(Encode(image, new JpegEncoder { Quality = 100 }), "chest.jpg");

        Assert.Equal(new PixelLayout(16, 16, 1, 8, false, "MONOCHROME2"), radiograph.Layout);
        Assert.All(radiograph.StoredPixels, v => Assert.InRange(v, 99, 101));
    }

    [Fact]
    public void Png_and_equivalent_dicom_give_the_same_tensor()
    {
        ushort[] values = [0, 1000, 30000, 65535, 12345, 54321];
        Radiograph png = LoadBytes(Gray16Png(values, 3, 2));
        var dicom = TestRadiographs.Gray(2, 3, values.Select(v => (int)v).ToArray(), bitsStored: 16, voi: new WindowVoi(32768, 65536));

        Assert.Equal(RadiographPipeline.ToTensor(dicom, InputContract.Default), RadiographPipeline.ToTensor(png, InputContract.Default));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 })]
    [InlineData(new byte[] { 0x42, 0x4D, 0x3A, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0 })] // BMP: not registered
    [InlineData(new byte[] { 0x49, 0x49, 0x2A, 0, 8, 0, 0, 0, 0, 0 })]                         // TIFF: not registered
    public void Garbage_is_an_image_decode_exception(byte[] bytes)
    {
        var error = Assert.Throws<ImageDecodeException>(() => LoadBytes(bytes, "junk.bin"));
        Assert.Equal("junk.bin", error.FilePath);
        Assert.StartsWith("junk.bin: ", error.Message);
    }

    [Theory]
    [InlineData(8)]   // signature only
    [InlineData(20)]  // inside IHDR
    [InlineData(60)]  // inside IDAT
    [InlineData(-1)]  // half the file
    public void Truncated_png_is_an_image_decode_exception(int length)
    {
        ushort[] values = Enumerable.Range(0, 64 * 64).Select(i => (ushort)(i * 13)).ToArray();
        byte[] png = Gray16Png(values, 64, 64);
        Assert.Throws<ImageDecodeException>(() => LoadBytes(png[..(length < 0 ? png.Length / 2 : length)], "cut.png"));
    }

    [Fact]
    public void Jpeg_cut_inside_its_scan_data_is_rejected()
    {
        // ImageSharp alone would decode this, filling the missing half with gray.
        using var image = new Image<L8>(64, 64);
        for (int i = 0; i < 64 * 64; i++)
        {
            image[i % 64, i / 64] = new L8((byte)((i * 13) + (i * i % 977)));
        }

        byte[] jpeg = Encode(image, new JpegEncoder { Quality = 90 });
        Assert.NotNull(LoadBytes(jpeg, "whole.jpg"));
        var error = Assert.Throws<ImageDecodeException>(() => LoadBytes(jpeg[..(jpeg.Length / 2)], "cut.jpg"));
        Assert.Contains("end-of-image", error.Reason);
    }

    [Fact]
    public void Loads_from_a_path_and_from_a_non_seekable_stream()
    {
        byte[] png = Gray16Png([7, 8], 2, 1);
        string path = Path.Combine(Path.GetTempPath(), $"tbscreen-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, png);
        try
        {
            Radiograph fromPath = RasterImageLoader.Default.Load(path);
            Assert.Equal(path, fromPath.Source);
            Assert.Equal([7, 8], fromPath.StoredPixels);
        }
        finally
        {
            File.Delete(path);
        }

        Radiograph fromStream = RasterImageLoader.Default.Load(new ForwardOnlyStream(png), "stream.png");
        Assert.Equal([7, 8], fromStream.StoredPixels);
    }

    [Fact]
    public void Missing_file_is_an_image_decode_exception()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tbscreen-missing-{Guid.NewGuid():N}.png");
        var error = Assert.Throws<ImageDecodeException>(() => RasterImageLoader.Default.Load(path));
        Assert.Equal(path, error.FilePath);
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
