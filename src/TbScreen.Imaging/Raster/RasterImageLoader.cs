using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace TbScreen.Imaging;

/// <summary>
/// Loads PNG and JPEG radiographs through ImageSharp as MONOCHROME2 <see cref="Radiograph"/>s whose VOI maps the
/// full stored range linearly (for 16-bit PNGs, the range of the bits actually used: <see cref="SignificantBits"/>),
/// so they run through exactly the same pipeline as DICOM.
/// Hardened: only PNG and JPEG are registered, dimensions are checked from the header before decoding, the
/// allocator has a hard limit, and every failure surfaces as <see cref="ImageDecodeException"/>.
/// </summary>
public sealed class RasterImageLoader
{
    /// <summary>Largest single buffer ImageSharp may allocate: fits 100 MP of Rgb48 (600 MB) with headroom.</summary>
    public const int AllocationLimitMegabytes = 1024;

    private const int JpegTailBytes = 4096;

    // One process-wide configuration: ImageSharp's pooling allocators are expensive and meant to be shared.
    private static readonly Configuration SharedConfiguration = CreateConfiguration();

    public RasterImageLoader(RasterLoadOptions? options = null)
    {
        Options = options ?? RasterLoadOptions.Default;
    }

    public static RasterImageLoader Default { get; } = new();

    public RasterLoadOptions Options { get; }

    /// <summary>
    /// The LINEAR window that maps stored 0 to 0 and 2^bits - 1 to 1 (c = 2^(bits-1), w = 2^bits): what an
    /// equivalent DICOM would carry, so a PNG and that DICOM give the same tensor.
    /// </summary>
    public static WindowVoi FullRangeWindow(int bitsStored) =>
        new(Math.Pow(2, bitsStored - 1), Math.Pow(2, bitsStored), VoiLutFunction.Linear);

    public Radiograph Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileStream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, $"cannot read file: {ex.Message}", ex);
        }

        using (stream)
        {
            return Load(stream, path);
        }
    }

    /// <summary>Loads from a stream (an upload, say); <paramref name="displayName"/> only names it in errors.</summary>
    public Radiograph Load(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        Stream seekable = stream.CanSeek ? stream : BufferBounded(stream, displayName);
        try
        {
            if (seekable.Length - seekable.Position > Options.MaxEncodedBytes)
            {
                throw new ImageDecodeException(displayName, $"file is larger than the {Options.MaxEncodedBytes} byte limit");
            }

            return Decode(seekable, displayName);
        }
        catch (Exception ex) when (ex is not (ImageDecodeException or OperationCanceledException or OutOfMemoryException))
        {
            // ImageSharp reports corrupt input through several unrelated types (ImageFormatException and its
            // subclasses, InvalidMemoryOperationException, EndOfStreamException, ...); callers see one.
            throw new ImageDecodeException(displayName, $"cannot decode image: {ex.Message}", ex);
        }
        finally
        {
            if (!ReferenceEquals(seekable, stream))
            {
                seekable.Dispose();
            }
        }
    }

    private static Configuration CreateConfiguration()
    {
        // Only these two modules: no TIFF, BMP, GIF, TGA or WebP parser is reachable from untrusted input.
        return new Configuration(new PngConfigurationModule(), new JpegConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = AllocationLimitMegabytes }),
        };
    }

    private MemoryStream BufferBounded(Stream stream, string displayName)
    {
        var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > Options.MaxEncodedBytes)
            {
                buffer.Dispose();
                throw new ImageDecodeException(displayName, $"file is larger than the {Options.MaxEncodedBytes} byte limit");
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        return buffer;
    }

    private Radiograph Decode(Stream stream, string name)
    {
        long start = stream.Position;
        IImageInfo? info = Image.Identify(SharedConfiguration, stream, out IImageFormat? format);
        if (info is null || format is null)
        {
            throw new ImageDecodeException(name, "not a PNG or JPEG image");
        }

        CheckDimensions(info.Width, info.Height, name);
        if (format is JpegFormat && !HasJpegEndMarker(stream, start))
        {
            // ImageSharp fills a JPEG cut inside its scan data with gray and reports success; a half-received
            // radiograph must not be scored as if it were whole.
            throw new ImageDecodeException(name, "truncated JPEG: no end-of-image marker");
        }

        stream.Position = start;

        (Decoded decoded, int bitsStored) = format is PngFormat
            ? DecodePng(stream, info.Metadata.GetPngMetadata())
            : (DecodeColor<Rgb24>(stream), 8);
        int[] pixels = decoded.Pixels;
        if (bitsStored == 16)
        {
            bitsStored = SignificantBits(pixels);
        }

        var layout = new PixelLayout(decoded.Rows, decoded.Columns, 1, bitsStored, false, "MONOCHROME2");
        return new Radiograph(layout, pixels, new RadiographMetadata())
        {
            Voi = FullRangeWindow(bitsStored),
            Source = name,
        };
    }

    /// <summary>
    /// True when an EOI marker (FF D9) occurs in the last <see cref="JpegTailBytes"/> bytes. Looking at a tail
    /// rather than the final two bytes tolerates the padding or trailers some writers append after EOI.
    /// </summary>
    private static bool HasJpegEndMarker(Stream stream, long start)
    {
        long from = Math.Max(start, stream.Length - JpegTailBytes);
        byte[] tail = new byte[stream.Length - from];
        stream.Position = from;
        stream.ReadExactly(tail);
        return tail.AsSpan().IndexOf([(byte)0xFF, (byte)0xD9]) >= 0;
    }

    private void CheckDimensions(int width, int height, string name)
    {
        if (width < 1 || height < 1 || width > Options.MaxSide || height > Options.MaxSide || (long)width * height > Options.MaxPixels)
        {
            throw new ImageDecodeException(
                name,
                $"image is {width}x{height} pixels; the limit is {Options.MaxSide} per side and {Options.MaxPixels} pixels in total");
        }
    }

    /// <summary>
    /// The bits a 16-bit PNG's samples really use: the bit length of its largest sample rounded up to an even
    /// count (8, 10, 12, 14 or 16, the depths detectors deliver). Hospital exports often write 10-, 12- or 14-bit
    /// detector data into a 16-bit PNG without scaling it up; read against 16 bits such a film would reach at most
    /// 1/16 of white and the model would see a black image.
    /// </summary>
    public static int SignificantBits(ReadOnlySpan<int> samples)
    {
        int max = 0;
        foreach (int sample in samples)
        {
            max = Math.Max(max, sample);
        }

        int length = 32 - int.LeadingZeroCount(max);
        return Math.Clamp(length + (length % 2), 8, 16);
    }

    /// <summary>Gray PNGs keep their exact stored values (8 or 16 bits as in the file); colour goes through BT.601 luma.</summary>
    private static (Decoded Pixels, int BitsStored) DecodePng(Stream stream, PngMetadata png)
    {
        int bits = png.BitDepth == PngBitDepth.Bit16 ? 16 : 8;
        if (png.ColorType is PngColorType.Grayscale or PngColorType.GrayscaleWithAlpha)
        {
            return (DecodeGray(stream, bits), bits);
        }

        return bits == 16 ? (DecodeColor<Rgb48>(stream), 16) : (DecodeColor<Rgb24>(stream), 8);
    }

    // L16 holds 16-bit samples as-is and 8-bit (and 1/2/4-bit, which ImageSharp scales to 8) samples as v * 257.
    private static Decoded DecodeGray(Stream stream, int bits)
    {
        using Image<L16> image = LoadUpright<L16>(stream);
        int width = image.Width;
        int[] pixels = new int[(long)width * image.Height];
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                Span<L16> row = accessor.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    int value = row[x].PackedValue;
                    pixels[(y * width) + x] = bits == 16 ? value : (value + 128) / 257;
                }
            }
        });
        return new Decoded(pixels, image.Height, width);
    }

    // Alpha is ignored: radiographs are opaque and transparency has no clinical meaning.
    private static Decoded DecodeColor<TPixel>(Stream stream)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using Image<TPixel> image = LoadUpright<TPixel>(stream);
        int width = image.Width;
        int[] pixels = new int[(long)width * image.Height];
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                Span<TPixel> row = accessor.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    pixels[(y * width) + x] = (int)Math.Round(LumaOf(row[x]), MidpointRounding.AwayFromZero);
                }
            }
        });
        return new Decoded(pixels, image.Height, width);
    }

    /// <summary>
    /// Decodes and turns the image the way its EXIF Orientation says it is shown (cameras, phones photographing a
    /// film, some exporters): a browser or viewer shows it upright, so the model must see it upright too.
    /// </summary>
    private static Image<TPixel> LoadUpright<TPixel>(Stream stream)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var image = Image.Load<TPixel>(SharedConfiguration, stream);
        image.Mutate(context => context.AutoOrient());
        return image;
    }

    private sealed record Decoded(int[] Pixels, int Rows, int Columns);

    private static double LumaOf<TPixel>(TPixel pixel)
        where TPixel : unmanaged, IPixel<TPixel> => pixel switch
    {
        Rgb24 p => Luma.FromRgb(p.R, p.G, p.B),
        Rgb48 p => Luma.FromRgb(p.R, p.G, p.B),
        _ => throw new NotSupportedException(typeof(TPixel).Name),
    };
}
