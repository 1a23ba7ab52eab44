using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace TbScreen.Dicom.Writing;

/// <summary>Builds elements in little-endian byte order (the writer swaps for big endian).</summary>
public static class DicomDatasetExtensions
{
    public static DicomDataset AddString(this DicomDataset ds, uint tag, string vr, string value)
    {
        var encoding = DicomVr.UsesCharacterSet(vr) ? ds.TextEncoding : Encoding.ASCII;
        ds.Set(new DicomElement(tag, vr, encoding.GetBytes(value)));
        return ds;
    }

    public static DicomDataset AddDecimal(this DicomDataset ds, uint tag, params double[] values) =>
        ds.AddString(tag, "DS", string.Join('\\', values.Select(v => v.ToString("0.######", CultureInfo.InvariantCulture))));

    public static DicomDataset AddInteger(this DicomDataset ds, uint tag, int value) =>
        ds.AddString(tag, "IS", value.ToString(CultureInfo.InvariantCulture));

    public static DicomDataset AddUInt16(this DicomDataset ds, uint tag, params ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        }

        ds.Set(new DicomElement(tag, "US", bytes));
        return ds;
    }

    public static DicomDataset AddBytes(this DicomDataset ds, uint tag, string vr, byte[] value)
    {
        ds.Set(new DicomElement(tag, vr, value));
        return ds;
    }

    public static DicomDataset AddSequence(this DicomDataset ds, uint tag, params DicomDataset[] items)
    {
        ds.Set(new DicomElement(tag, items));
        return ds;
    }

    /// <summary>Native pixel data from sample values, packed to Bits Allocated (8 or 16) little endian.</summary>
    public static DicomDataset AddNativePixels(this DicomDataset ds, ReadOnlySpan<int> samples, int bitsAllocated)
    {
        byte[] bytes;
        if (bitsAllocated == 8)
        {
            bytes = new byte[samples.Length];
            for (int i = 0; i < samples.Length; i++)
            {
                bytes[i] = (byte)samples[i];
            }
        }
        else if (bitsAllocated == 16)
        {
            bytes = new byte[samples.Length * 2];
            for (int i = 0; i < samples.Length; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)samples[i]);
            }
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(bitsAllocated), "Only 8 and 16 bits are written.");
        }

        ds.Set(new DicomElement(DicomTag.PixelData, bitsAllocated == 8 ? "OB" : "OW", bytes));
        return ds;
    }
}
