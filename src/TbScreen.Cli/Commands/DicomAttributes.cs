using System.Globalization;
using TbScreen.Audit;
using TbScreen.Dicom;

namespace TbScreen.Cli.Commands;

/// <summary>Subgroup attributes a DICOM header carries: (0008,0070), (0008,1090), (0010,0040), (0010,1010).</summary>
public sealed record DicomHeaderAttributes(string? Manufacturer, string? Model, string? Sex, double? Age);

/// <summary>
/// Fills audit attributes from the DICOM headers of the manifest's images. The header is parsed (no pixel data is
/// decoded); a manifest column always wins over the tag; a file that is not DICOM, cannot be read, or lacks the tag
/// leaves the attribute missing, so it becomes "unknown" and is counted.
/// </summary>
public static class DicomAttributes
{
    /// <summary>The header's attributes, or null when the file is missing or not DICOM (e.g. a PNG).</summary>
    public static DicomHeaderAttributes? TryRead(string path)
    {
        if (!File.Exists(path) || !LooksLikeDicom(path))
        {
            return null;
        }

        DicomDataset ds;
        try
        {
            ds = new DicomReader().Read(path).Dataset;
        }
        catch (DicomException)
        {
            return null;
        }

        return new DicomHeaderAttributes(Text(ds.GetString(DicomTag.Manufacturer)), Text(ds.GetString(DicomTag.ManufacturerModelName)),
            Text(ds.GetString(DicomTag.PatientSex)), AgeYears(ds.GetString(DicomTag.PatientAge)));
    }

    /// <summary>Cases with missing manufacturer, model, sex or age filled from their DICOM headers; returns how many files were DICOM.</summary>
    public static (IReadOnlyList<AuditCase> Cases, int DicomFiles) Enrich(IReadOnlyList<AuditCase> cases, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(cases);
        int dicom = 0;
        var enriched = cases.Select(c =>
        {
            if (c.Manufacturer is not null && c.ScannerModel is not null && c.Sex is not null && c.Age is not null)
            {
                return c;
            }

            var header = TryRead(Path.IsPathRooted(c.File) ? c.File : Path.Combine(baseDirectory, c.File));
            if (header is null)
            {
                return c;
            }

            dicom++;
            return c with
            {
                Manufacturer = c.Manufacturer ?? header.Manufacturer,
                ScannerModel = c.ScannerModel ?? header.Model,
                Sex = c.Sex ?? header.Sex,
                Age = c.Age ?? header.Age,
            };
        }).ToList();
        return (enriched, dicom);
    }

    /// <summary>DICOM AS ("045Y", "018M", "003W", "010D") in years; null when absent or malformed.</summary>
    public static double? AgeYears(string? age)
    {
        if (age is not { Length: 4 } || !int.TryParse(age.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            return null;
        }

        return char.ToUpperInvariant(age[3]) switch
        {
            'Y' => n,
            'M' => Math.Round(n / 12.0, 2),
            'W' => Math.Round(n * 7 / 365.25, 2),
            'D' => Math.Round(n / 365.25, 2),
            _ => null,
        };
    }

    private static bool LooksLikeDicom(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var head = new byte[DicomSniffer.HeadLength];
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return DicomSniffer.IsDicom(head.AsSpan(0, read), stream.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
