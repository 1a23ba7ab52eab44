using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TbScreen.Dicom;
using TbScreen.Dicom.Pixels;
using TbScreen.Imaging;

namespace TbScreen.Web.Viewing;

/// <summary>
/// A frame of a DICOM object as a consumer image (WADO-RS rendered resources, PS3.18 10.4.1.1.3): 8-bit RGB objects
/// (our heatmap captures) as their colours; greyscale ones through the one display pipeline (modality LUT, VOI,
/// MONOCHROME1 inversion), as the dashboard shows them. An optional viewport bounds the size, keeping the aspect.
/// </summary>
public static class RenderedFrame
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";

    /// <summary>Throws <see cref="DicomException"/> naming the reason when the object has no frame to render.</summary>
    public static byte[] Render(DicomFile file, int frameNumber, string mediaType, (int Width, int Height)? viewport)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Dataset[DicomTag.PixelData] is null)
        {
            throw new DicomException("the object has no Pixel Data to render (a structured report is retrieved, not rendered)", file.Source);
        }

        int frames = file.Dataset.GetInt(DicomTag.NumberOfFrames) ?? 1;
        if (frameNumber < 1 || frameNumber > frames)
        {
            throw new DicomException($"frame {frameNumber} does not exist: the object has {frames}", file.Source);
        }

        using var image = Decode(file, frameNumber - 1);
        if (viewport is var (width, height) && (image.Width > width || image.Height > height))
        {
            image.Mutate(i => i.Resize(new ResizeOptions { Size = new Size(width, height), Mode = SixLabors.ImageSharp.Processing.ResizeMode.Max }));
        }

        using var output = new MemoryStream();
        if (mediaType == Jpeg)
        {
            image.Save(output, new JpegEncoder { Quality = 90 });
        }
        else
        {
            image.Save(output, new PngEncoder());
        }

        return output.ToArray();
    }

    private static Image Decode(DicomFile file, int frameIndex)
    {
        var frame = PixelDataDecoder.Default.DecodeStoredFrame(file, frameIndex);
        var pixels = frame.Pixels;
        if (pixels.SamplesPerPixel == 3 && pixels.BitsAllocated == 8)
        {
            var colour = new Image<Rgb24>(pixels.Columns, pixels.Rows);
            long plane = (long)pixels.Rows * pixels.Columns;
            for (int y = 0; y < pixels.Rows; y++)
            {
                for (int x = 0; x < pixels.Columns; x++)
                {
                    long p = ((long)y * pixels.Columns) + x;
                    colour[x, y] = pixels.PlanarConfiguration == 1
                        ? new Rgb24((byte)frame.Values[p], (byte)frame.Values[plane + p], (byte)frame.Values[(2 * plane) + p])
                        : new Rgb24((byte)frame.Values[3 * p], (byte)frame.Values[(3 * p) + 1], (byte)frame.Values[(3 * p) + 2]);
                }
            }

            return colour;
        }

        if (frameIndex > 0)
        {
            throw new DicomException("only frame 1 of a greyscale object is rendered (the radiograph frame)", file.Source);
        }

        var radiograph = new DicomRadiographReader().ToRadiograph(file);
        byte[] grey = RadiographPipeline.ToDisplay8Bit(radiograph, null);
        return Image.LoadPixelData<L8>(grey, radiograph.Layout.Columns, radiograph.Layout.Rows);
    }
}
