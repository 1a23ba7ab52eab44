using System.CommandLine;
using TbScreen.Dicom;
using TbScreen.Dicom.Pixels;
using TbScreen.Imaging;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen convert FILE --out OUT.png [--size N]` renders the display-ready 8-bit image;
/// `tbscreen convert FILE --stored --out OUT.raw` dumps frame 1's stored values as 16-bit LE.
/// </summary>
public static class ConvertCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("FILE") { Description = "A DICOM, PNG or JPEG file." };
        var output = new Option<string>("--out", "-o") { Description = "Output path (.png, or .raw with --stored).", Required = true };
        var size = new Option<int?>("--size") { Description = "Resize to NxN (letterbox, aspect ratio kept) before writing the PNG." };
        var stored = new Option<bool>("--stored") { Description = "Write frame 1's stored values (before any LUT or inversion) as raw 16-bit little endian." };
        var command = new Command("convert", "Render a radiograph through the preprocessing pipeline, or dump its stored pixel values.")
        {
            file,
            output,
            size,
            stored,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(size) is int n && (n < 8 || n > 8192))
            {
                result.AddError("--size must be between 8 and 8192.");
            }

            if (result.GetValue(stored) && result.GetValue(size) is not null)
            {
                result.AddError("--size cannot be combined with --stored: stored values are never resampled.");
            }
        });
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string input = InputFiles.Require(result.GetValue(file)!);
            string outPath = result.GetValue(output)!;
            if (result.GetValue(stored))
            {
                WriteStored(input, outPath);
            }
            else
            {
                RenderPng(input, outPath, result.GetValue(size));
            }

            stdout.WriteLine($"wrote {outPath}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void WriteStored(string input, string outPath)
    {
        var frame = PixelDataDecoder.Default.DecodeStoredFrame(new DicomReader().Read(input), frameIndex: 0);
        var bytes = new byte[frame.Values.Length * 2];
        for (int i = 0; i < frame.Values.Length; i++)
        {
            // Two's complement for signed values: the low 16 bits are the same either way.
            ushort word = (ushort)frame.Values[i];
            bytes[2 * i] = (byte)word;
            bytes[2 * i + 1] = (byte)(word >> 8);
        }

        OutputFiles.Write(outPath, bytes);
    }

    private static void RenderPng(string input, string outPath, int? size)
    {
        var radiograph = RadiographFiles.Load(input);
        byte[] pixels = RadiographPipeline.ToDisplay8Bit(radiograph, size);
        int width = size ?? radiograph.Layout.Columns;
        int height = size ?? radiograph.Layout.Rows;
        OutputFiles.Write(outPath, GrayPngWriter.Encode(pixels, width, height));
    }
}
