using System.CommandLine;
using System.Text.Json;
using TbScreen.Dicom;

namespace TbScreen.Cli.Commands;

/// <summary>`tbscreen inspect FILE [--json]`: the header facts other tools need, without decoding pixels.</summary>
public static class InspectCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("FILE") { Description = "A DICOM file (with or without preamble)." };
        var json = new Option<bool>("--json") { Description = "Print JSON with camelCase keys." };
        var command = new Command("inspect", "Print transfer syntax, pixel layout and de-identified acquisition attributes of a DICOM file.")
        {
            file,
            json,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            var summary = Summarise(new DicomReader().Read(InputFiles.Require(result.GetValue(file)!)));
            if (result.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(summary, Json));
            }
            else
            {
                foreach (var (key, value) in summary)
                {
                    stdout.WriteLine($"{key}: {value ?? "-"}");
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The documented keys, in order; absent attributes are null.</summary>
    public static OrderedDictionary<string, object?> Summarise(DicomFile file)
    {
        var ds = file.Dataset;
        return new OrderedDictionary<string, object?>
        {
            ["transferSyntaxUid"] = file.TransferSyntax.Uid,
            ["rows"] = ds.GetInt(DicomTag.Rows),
            ["columns"] = ds.GetInt(DicomTag.Columns),
            ["numberOfFrames"] = ds.GetInt(DicomTag.NumberOfFrames) ?? 1,
            ["bitsAllocated"] = ds.GetInt(DicomTag.BitsAllocated),
            ["bitsStored"] = ds.GetInt(DicomTag.BitsStored),
            ["pixelRepresentation"] = ds.GetInt(DicomTag.PixelRepresentation),
            ["photometricInterpretation"] = ds.GetString(DicomTag.PhotometricInterpretation),
            ["modality"] = ds.GetString(DicomTag.Modality),
            ["patientSex"] = ds.GetString(DicomTag.PatientSex),
            ["patientAge"] = ds.GetString(DicomTag.PatientAge),
            ["manufacturer"] = ds.GetString(DicomTag.Manufacturer),
            ["institutionName"] = ds.GetString(DicomTag.InstitutionName),
            ["sopInstanceUid"] = ds.GetString(DicomTag.SopInstanceUid),
        };
    }
}
