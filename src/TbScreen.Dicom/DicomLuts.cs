using TbScreen.Imaging;

namespace TbScreen.Dicom;

/// <summary>Reads the Modality LUT and VOI attributes (PS3.3 C.11.1 and C.11.2).</summary>
public static class DicomLuts
{
    /// <summary>Modality LUT Sequence wins over Rescale Slope/Intercept; null means identity.</summary>
    public static ModalityLut? ReadModalityLut(DicomDataset ds, bool signedPixels)
    {
        var items = ds.GetSequence(DicomTag.ModalityLutSequence);
        if (items.Count > 0 && ReadTable(items[0], signedPixels) is { } table)
        {
            return new TableModalityLut(table);
        }

        double slope = ds.GetDouble(DicomTag.RescaleSlope) ?? 1;
        double intercept = ds.GetDouble(DicomTag.RescaleIntercept) ?? 0;
        if (slope == 0)
        {
            slope = 1; // a zero slope would erase the image; treat as absent, like most viewers
        }

        return slope == 1 && intercept == 0 ? null : new RescaleModalityLut(slope, intercept);
    }

    /// <summary>
    /// A VOI LUT Sequence is preferred (it is the vendor's intended rendering, as pydicom does);
    /// else the first Window Center/Width pair with its VOI LUT Function; else null (pipeline fallback).
    /// </summary>
    public static VoiTransform? ReadVoi(DicomDataset ds)
    {
        var items = ds.GetSequence(DicomTag.VoiLutSequence);
        if (items.Count > 0 && ReadTable(items[0], signedInput: false) is { } table)
        {
            return new TableVoi(table);
        }

        var centers = ds.GetDoubles(DicomTag.WindowCenter);
        var widths = ds.GetDoubles(DicomTag.WindowWidth);
        if (centers.Length == 0 || widths.Length == 0 || !double.IsFinite(centers[0]) || !double.IsFinite(widths[0]))
        {
            return null;
        }

        var function = (ds.GetString(DicomTag.VoiLutFunction) ?? "LINEAR").ToUpperInvariant() switch
        {
            "LINEAR_EXACT" => VoiLutFunction.LinearExact,
            "SIGMOID" => VoiLutFunction.Sigmoid,
            _ => VoiLutFunction.Linear,
        };
        double minWidth = function == VoiLutFunction.Linear ? 1 : double.Epsilon;
        return widths[0] < minWidth ? null : new WindowVoi(centers[0], widths[0], function);
    }

    /// <summary>Reads LUT Descriptor + LUT Data; returns null when the item is unusable rather than failing the image.</summary>
    internal static LookupTable? ReadTable(DicomDataset item, bool signedInput)
    {
        var descriptor = item[DicomTag.LutDescriptor];
        var data = item[DicomTag.LutData];
        if (descriptor is null || data is null || descriptor.Value.Length < 6)
        {
            return null;
        }

        int entries = item.GetInt(DicomTag.LutDescriptor, 0) ?? 0;
        int firstRaw = item.GetInt(DicomTag.LutDescriptor, 1) ?? 0;
        int bits = item.GetInt(DicomTag.LutDescriptor, 2) ?? 16;
        entries = (ushort)entries == 0 ? 65536 : (ushort)entries; // 0 means 2^16; SS-encoded counts above 32767 read negative
        int first = signedInput ? (short)(ushort)firstRaw : (ushort)firstRaw; // US/SS is ambiguous in implicit VR
        if (bits is < 1 or > 16)
        {
            return null;
        }

        var bytes = data.Value.Span;
        var values = new int[entries];
        if (bytes.Length >= entries * 2)
        {
            for (int i = 0; i < entries; i++)
            {
                int word = item.BigEndian ? (bytes[2 * i] << 8) | bytes[2 * i + 1] : bytes[2 * i] | (bytes[2 * i + 1] << 8);
                values[i] = word & ((1 << bits) - 1);
            }
        }
        else if (bits <= 8 && bytes.Length >= entries)
        {
            // Some writers pack two 8-bit entries per 16-bit word.
            for (int i = 0; i < entries; i++)
            {
                values[i] = bytes[i];
            }
        }
        else
        {
            return null;
        }

        return new LookupTable(first, bits, values);
    }
}
