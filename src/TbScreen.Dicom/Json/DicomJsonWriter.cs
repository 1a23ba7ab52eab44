using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TbScreen.Dicom.Json;

/// <summary>
/// A dataset in the DICOM JSON Model (PS3.18 F.2), what DICOMweb metadata and searches answer. Each attribute is keyed
/// by its tag in 8 upper-case hex digits and carries its VR and, unless empty, its values: strings, numbers for the
/// numeric VRs (IS and DS included), Person Name objects, nested objects for sequence items, and Base64 or a
/// BulkDataURI for binary values (always little endian, whatever the dataset's byte order). File meta and group
/// lengths are left out (F.2.1). dcm2json writes the same tree; the tests hold us to it.
/// </summary>
public static class DicomJsonWriter
{
    /// <summary>The attribute path <see cref="DicomJsonOptions.BulkDataUri"/> is given: tags and item indices joined by '/'.</summary>
    public static string PathOf(string? parent, uint tag) => parent is null ? Key(tag) : $"{parent}/{Key(tag)}";

    public static string Key(uint tag) => tag.ToString("X8", CultureInfo.InvariantCulture);

    public static JsonObject Write(DicomDataset dataset, DicomJsonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return WriteDataset(dataset, options ?? DicomJsonOptions.Inline, parent: null);
    }

    /// <summary>One attribute of <paramref name="dataset"/> as its JSON object (vr and value), or null when absent.</summary>
    public static JsonObject? WriteAttribute(DicomDataset dataset, uint tag, DicomJsonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset[tag] is { } element ? WriteElement(dataset, element, options ?? DicomJsonOptions.Inline, parent: null) : null;
    }

    /// <summary>
    /// The bytes a BulkDataURI stands for: the value at <paramref name="path"/> (as <see cref="PathOf"/> writes it),
    /// little endian, exactly what InlineBinary would hold. Null when the path names no binary value.
    /// </summary>
    public static byte[]? BulkData(DicomDataset dataset, string path)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(path);
        string[] steps = path.Split('/');
        var current = dataset;
        for (int i = 0; ; i += 2)
        {
            if (!uint.TryParse(steps[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint tag) || steps[i].Length != 8
                || current[tag] is not { } element)
            {
                return null;
            }

            if (i == steps.Length - 1)
            {
                return element.IsEncapsulated ? Encapsulated(element.Fragments!)
                    : !element.IsSequence && element.Vr is "OB" or "OD" or "OF" or "OL" or "OV" or "OW" or "UN" ? LittleEndian(element.Value, element.Vr, current.BigEndian)
                    : null;
            }

            if (i + 1 >= steps.Length || !element.IsSequence || !int.TryParse(steps[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int item)
                || item >= element.Items!.Count)
            {
                return null;
            }

            current = element.Items[item];
        }
    }

    private static JsonObject WriteDataset(DicomDataset dataset, DicomJsonOptions options, string? parent)
    {
        var json = new JsonObject();
        foreach (var element in dataset.Elements)
        {
            if ((element.Tag >> 16) == 0x0002 || (element.Tag & 0xFFFF) == 0)
            {
                continue; // file meta and group lengths are not part of the model (PS3.18 F.2.1)
            }

            json[Key(element.Tag)] = WriteElement(dataset, element, options, parent);
        }

        return json;
    }

    private static JsonObject WriteElement(DicomDataset dataset, DicomElement element, DicomJsonOptions options, string? parent)
    {
        var json = new JsonObject { ["vr"] = element.Vr };
        string path = PathOf(parent, element.Tag);
        if (element.IsSequence)
        {
            if (element.Items!.Count > 0)
            {
                json["Value"] = new JsonArray([.. element.Items.Select((item, i) => (JsonNode)WriteDataset(item, options, $"{path}/{i}"))]);
            }

            return json;
        }

        if (element.IsEncapsulated)
        {
            return Binary(json, Encapsulated(element.Fragments!), path, options, alwaysLink: true);
        }

        if (element.Value.IsEmpty)
        {
            return json;
        }

        switch (element.Vr)
        {
            case "OB" or "OD" or "OF" or "OL" or "OV" or "OW" or "UN":
                return Binary(json, LittleEndian(element.Value, element.Vr, dataset.BigEndian), path, options, alwaysLink: element.Tag == DicomTag.PixelData);
            case "SQ":
                return json; // a sequence read as bytes (undefined in the dictionary) has no items to show
            case "PN":
                return WithValues(json, Texts(dataset, element).Select(PersonName));
            case "IS" or "DS":
                return WithValues(json, Texts(dataset, element).Select(DecimalString));
            case "AT":
                json["Value"] = new JsonArray([.. Numbers(element.Value.Span, 4, dataset.BigEndian, AttributeTag)]);
                return json;
            case "US" or "SS" or "UL" or "SL" or "FL" or "FD" or "SV" or "UV":
                json["Value"] = new JsonArray([.. BinaryNumbers(element.Value.Span, element.Vr, dataset.BigEndian)]);
                return json;
            default:
                return WithValues(json, Texts(dataset, element).Select(s => s.Length == 0 ? null : (JsonNode)s));
        }
    }

    /// <summary>Values, empty ones as null (F.2.5); when every value is empty the attribute is empty and has no Value.</summary>
    private static JsonObject WithValues(JsonObject json, IEnumerable<JsonNode?> values)
    {
        var array = new JsonArray([.. values]);
        if (array.Any(v => v is not null))
        {
            json["Value"] = array;
        }

        return json;
    }

    private static JsonObject Binary(JsonObject json, byte[] bytes, string path, DicomJsonOptions options, bool alwaysLink)
    {
        if (bytes.Length == 0)
        {
            return json;
        }

        string? uri = options.BulkDataUri is { } link && (alwaysLink || bytes.Length >= options.BulkDataMinBytes) ? link(path) : null;
        if (uri is not null)
        {
            json["BulkDataURI"] = uri;
        }
        else
        {
            json["InlineBinary"] = Convert.ToBase64String(bytes);
        }

        return json;
    }

    /// <summary>The values of a text VR, decoded and trimmed as PS3.5 6.2 allows; LT, ST, UT and UR hold one value, backslashes and all.</summary>
    private static IEnumerable<string> Texts(DicomDataset dataset, DicomElement element)
    {
        var encoding = DicomVr.UsesCharacterSet(element.Vr) ? dataset.TextEncoding : DicomCharacterSet.Default;
        string text = encoding.GetString(element.Value.Span);
        bool single = element.Vr is "LT" or "ST" or "UT" or "UR";
        bool leadingInsignificant = element.Vr is "AE" or "AS" or "CS" or "DA" or "DS" or "DT" or "IS" or "LO" or "SH" or "TM";
        foreach (string value in single ? [text] : text.Split('\\'))
        {
            string trimmed = value.TrimEnd(' ', '\0');
            yield return leadingInsignificant ? trimmed.TrimStart(' ') : trimmed;
        }
    }

    /// <summary>A name's component groups (F.2.2); a group of nothing but separators ("^^^^") is an empty group.</summary>
    private static JsonNode? PersonName(string value)
    {
        var groups = value.Split('=');
        var name = new JsonObject();
        string[] keys = ["Alphabetic", "Ideographic", "Phonetic"];
        for (int i = 0; i < Math.Min(groups.Length, keys.Length); i++)
        {
            if (groups[i].Trim('^', ' ').Length > 0)
            {
                name[keys[i]] = groups[i];
            }
        }

        return name.Count == 0 ? null : name;
    }

    /// <summary>IS and DS are JSON numbers (F.2.3); decimal keeps the written digits. A value that is no number stays a string, unlost.</summary>
    private static JsonNode? DecimalString(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal exact))
        {
            return JsonValue.Create(exact);
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double wide) && double.IsFinite(wide)
            ? JsonValue.Create(wide)
            : JsonValue.Create(value);
    }

    private static JsonNode AttributeTag(ReadOnlySpan<byte> bytes, bool bigEndian)
    {
        uint group = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        uint number = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(bytes[2..]);
        return JsonValue.Create(Key((group << 16) | number));
    }

    private delegate JsonNode? Reader(ReadOnlySpan<byte> bytes, bool bigEndian);

    private static List<JsonNode?> Numbers(ReadOnlySpan<byte> span, int size, bool bigEndian, Reader read)
    {
        var values = new List<JsonNode?>(span.Length / size);
        for (int offset = 0; offset + size <= span.Length; offset += size)
        {
            values.Add(read(span.Slice(offset, size), bigEndian));
        }

        return values;
    }

    private static List<JsonNode?> BinaryNumbers(ReadOnlySpan<byte> span, string vr, bool bigEndian) => vr switch
    {
        "US" => Numbers(span, 2, bigEndian, (b, be) => JsonValue.Create(be ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b))),
        "SS" => Numbers(span, 2, bigEndian, (b, be) => JsonValue.Create(be ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b))),
        "UL" => Numbers(span, 4, bigEndian, (b, be) => JsonValue.Create(be ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b))),
        "SL" => Numbers(span, 4, bigEndian, (b, be) => JsonValue.Create(be ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b))),
        "SV" => Numbers(span, 8, bigEndian, (b, be) => JsonValue.Create(be ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b))),
        "UV" => Numbers(span, 8, bigEndian, (b, be) => JsonValue.Create(be ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b))),
        "FL" => Numbers(span, 4, bigEndian, (b, be) => Finite(be ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b))),
        _ => Numbers(span, 8, bigEndian, (b, be) => Finite(be ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b))),
    };

    /// <summary>JSON has no NaN or infinity; such a value is written as null rather than as invalid JSON.</summary>
    private static JsonNode? Finite(float value) => float.IsFinite(value) ? JsonValue.Create(value) : null;

    private static JsonNode? Finite(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    private static byte[] LittleEndian(ReadOnlyMemory<byte> value, string vr, bool bigEndian)
    {
        byte[] bytes = value.ToArray();
        int unit = DicomVr.SwapUnit(vr);
        if (bigEndian && unit > 1)
        {
            for (int offset = 0; offset + unit <= bytes.Length; offset += unit)
            {
                Array.Reverse(bytes, offset, unit);
            }
        }

        return bytes;
    }

    /// <summary>
    /// The value field of encapsulated Pixel Data as a file holds it: the items (offset table first) and the delimiter.
    /// Encapsulated syntaxes are all little endian (PS3.5 A.4).
    /// </summary>
    private static byte[] Encapsulated(IReadOnlyList<ReadOnlyMemory<byte>> fragments)
    {
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[8];
        foreach (var fragment in fragments)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header, 0xFFFE);
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], 0xE000);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)fragment.Length);
            stream.Write(header);
            stream.Write(fragment.Span);
        }

        BinaryPrimitives.WriteUInt16LittleEndian(header, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], 0xE0DD);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 0);
        stream.Write(header);
        return stream.ToArray();
    }
}
