using System.CommandLine;
using TbScreen.Dicom;
using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Jpeg;
using TbScreen.Dicom.Codecs.Native;
using TbScreen.Dicom.Codecs.Rle;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;

namespace TbScreen.Cli.Commands;

/// <summary>`tbscreen samples --out DIR`: regenerates samples/ from our synthetic chest phantom.</summary>
public static class SamplesCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var output = new Option<string>("--out", "-o") { Description = "Folder to write the sample files into.", Required = true };
        var command = new Command("samples", "Write synthetic chest-phantom DICOM samples in several transfer syntaxes and photometric interpretations.")
        {
            output,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string folder = result.GetValue(output)!;
            foreach (var sample in SampleCatalogue.All)
            {
                string path = Path.Combine(folder, sample.FileName);
                OutputFiles.Write(path, sample.Build());
                stdout.WriteLine($"wrote {path} ({sample.Description})");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}

/// <summary>The shipped samples: one phantom, many encodings.</summary>
public sealed record SampleFile(string FileName, string Description, SampleSpec Spec, string TransferSyntaxUid, IFrameEncoder? Encoder = null)
{
    public byte[] Build() => DicomWriter.Write(SampleDatasets.Create(Spec).Dataset, TransferSyntaxUid, new DicomWriterOptions { Encoder = Encoder });
}

public static class SampleCatalogue
{
    private static readonly SampleSpec Base = new(Rows: 384, Columns: 320);

    public static IReadOnlyList<SampleFile> All { get; } =
    [
        new("phantom-explicit-le-mono2.dcm", "Explicit VR LE, MONOCHROME2, 12/16-bit", Base, TransferSyntax.ExplicitVrLittleEndianUid),
        new("phantom-implicit-le-mono1.dcm", "Implicit VR LE, MONOCHROME1, 12/16-bit", Base with { Photometric = "MONOCHROME1", Seed = 2, PatientSex = "M", PatientAge = "067Y" }, TransferSyntax.ImplicitVrLittleEndianUid),
        new("phantom-big-endian-signed.dcm", "Explicit VR BE, signed 16-bit", Base with { BitsStored = 16, Signed = true, Seed = 3 }, TransferSyntax.ExplicitVrBigEndianUid),
        new("phantom-deflated-8bit.dcm", "Deflated Explicit VR LE, 8-bit", Base with { BitsAllocated = 8, BitsStored = 8, Seed = 4, PatientAge = "009Y" }, TransferSyntax.DeflatedExplicitVrLittleEndianUid),
        new("phantom-rle-mono1.dcm", "RLE Lossless, MONOCHROME1, 12/16-bit", Base with { Photometric = "MONOCHROME1", Seed = 5 }, TransferSyntax.RleLosslessUid, new RleEncoder()),
        new("phantom-jpeg-lossless-sv1.dcm", "JPEG Lossless SV1, 12/16-bit", Base with { Seed = 6 }, TransferSyntax.JpegLosslessSv1Uid, new JpegLosslessEncoder(predictor: 1)),
        new("phantom-jpeg-lossless-sv7.dcm", "JPEG Lossless predictor 7, 16/16-bit", Base with { BitsStored = 16, Seed = 7 }, TransferSyntax.JpegLosslessUid, new JpegLosslessEncoder(predictor: 7)),
        new("phantom-jpeg2000-mono1.dcm", "JPEG 2000 lossless, MONOCHROME1, 12/16-bit", Base with { Photometric = "MONOCHROME1", Seed = 9, PatientSex = "M", PatientAge = "035Y" }, TransferSyntax.Jpeg2000LosslessUid, new OpenJpegEncoder(lossless: true)),
        new("phantom-jpeg-ls.dcm", "JPEG-LS lossless, 12/16-bit", Base with { Seed = 10, PatientAge = "058Y" }, TransferSyntax.JpegLsLosslessUid, new CharLsEncoder(nearLossless: 0)),
        new("phantom-jpeg-baseline.dcm", "JPEG Baseline, 8-bit (lossy)", Base with { BitsAllocated = 8, BitsStored = 8, Seed = 8 }, TransferSyntax.JpegBaselineUid, new JpegBaselineEncoder()),
    ];
}
