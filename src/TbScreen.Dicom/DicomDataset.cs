using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace TbScreen.Dicom;

/// <summary>A parsed dataset with typed getters that never throw for absent or malformed values.</summary>
public sealed class DicomDataset
{
    private readonly SortedDictionary<uint, DicomElement> _elements = new();

    public DicomDataset(bool bigEndian = false, Encoding? textEncoding = null)
    {
        BigEndian = bigEndian;
        TextEncoding = textEncoding ?? DicomCharacterSet.Default;
    }

    /// <summary>Byte order of the element values.</summary>
    public bool BigEndian { get; }

    /// <summary>Encoding of SH/LO/ST/LT/UT/PN/UC values, from Specific Character Set (inherited by items).</summary>
    public Encoding TextEncoding { get; internal set; }

    public IEnumerable<DicomElement> Elements => _elements.Values;

    public int Count => _elements.Count;

    public bool Contains(uint tag) => _elements.ContainsKey(tag);

    public DicomElement? this[uint tag] => _elements.TryGetValue(tag, out var element) ? element : null;

    /// <summary>Adds or replaces an element (later duplicates win, as most toolkits do).</summary>
    public void Set(DicomElement element) => _elements[element.Tag] = element;

    public bool Remove(uint tag) => _elements.Remove(tag);

    public string? GetString(uint tag) => GetStrings(tag) is { Length: > 0 } values ? values[0] : null;

    /// <summary>Backslash-separated values, trimmed of padding; empty values are dropped from the ends only.</summary>
    public string[] GetStrings(uint tag)
    {
        var element = this[tag];
        if (element is null || element.IsSequence || element.IsEncapsulated || element.Value.IsEmpty)
        {
            return [];
        }

        var encoding = DicomVr.UsesCharacterSet(element.Vr) ? TextEncoding : DicomCharacterSet.Default;
        string text = encoding.GetString(element.Value.Span);
        var parts = text.Split('\\');
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = parts[i].Trim(' ', '\0');
        }

        return parts.All(p => p.Length == 0) ? [] : parts;
    }

    public int? GetInt(uint tag, int index = 0)
    {
        var element = this[tag];
        if (element is null || element.IsSequence || element.IsEncapsulated)
        {
            return null;
        }

        var span = element.Value.Span;
        switch (element.Vr)
        {
            case "US" when span.Length >= (index + 1) * 2:
                return BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span[(index * 2)..]) : BinaryPrimitives.ReadUInt16LittleEndian(span[(index * 2)..]);
            case "SS" when span.Length >= (index + 1) * 2:
                return BigEndian ? BinaryPrimitives.ReadInt16BigEndian(span[(index * 2)..]) : BinaryPrimitives.ReadInt16LittleEndian(span[(index * 2)..]);
            case "UL" when span.Length >= (index + 1) * 4:
                uint ul = BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span[(index * 4)..]) : BinaryPrimitives.ReadUInt32LittleEndian(span[(index * 4)..]);
                return ul > int.MaxValue ? null : (int)ul;
            case "SL" when span.Length >= (index + 1) * 4:
                return BigEndian ? BinaryPrimitives.ReadInt32BigEndian(span[(index * 4)..]) : BinaryPrimitives.ReadInt32LittleEndian(span[(index * 4)..]);
            case "IS" or "DS":
                var values = GetStrings(tag);
                if (index < values.Length && double.TryParse(values[index], NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                    && d >= int.MinValue && d <= int.MaxValue)
                {
                    return (int)Math.Round(d);
                }

                return null;
            default:
                return null;
        }
    }

    public double? GetDouble(uint tag, int index = 0)
    {
        var element = this[tag];
        if (element is null || element.IsSequence || element.IsEncapsulated)
        {
            return null;
        }

        var span = element.Value.Span;
        switch (element.Vr)
        {
            case "FL" when span.Length >= (index + 1) * 4:
                return BigEndian ? BinaryPrimitives.ReadSingleBigEndian(span[(index * 4)..]) : BinaryPrimitives.ReadSingleLittleEndian(span[(index * 4)..]);
            case "FD" when span.Length >= (index + 1) * 8:
                return BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(span[(index * 8)..]) : BinaryPrimitives.ReadDoubleLittleEndian(span[(index * 8)..]);
            case "DS" or "IS":
                var values = GetStrings(tag);
                return index < values.Length && double.TryParse(values[index], NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                       && double.IsFinite(d)
                    ? d
                    : null;
            default:
                return GetInt(tag, index);
        }
    }

    /// <summary>All numeric values of a multi-valued DS/IS element (e.g. several window centres).</summary>
    public double[] GetDoubles(uint tag)
    {
        var element = this[tag];
        if (element is null)
        {
            return [];
        }

        if (element.Vr is "DS" or "IS")
        {
            return GetStrings(tag)
                .Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? d : double.NaN)
                .ToArray();
        }

        var result = new List<double>();
        for (int i = 0; GetDouble(tag, i) is double v; i++)
        {
            result.Add(v);
        }

        return result.ToArray();
    }

    public IReadOnlyList<DicomDataset> GetSequence(uint tag) => this[tag]?.Items ?? [];
}
