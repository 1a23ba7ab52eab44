using System.Globalization;
using System.Text;
using TbScreen.Dicom;
using TbScreen.Dicom.Writing;

namespace TbScreen.Pacs;

/// <summary>SR content items (PS3.3 C.17.3): each one a relationship, a value type, a concept name and its value.</summary>
internal static class SrContent
{
    public static DicomDataset CodeItem(Code code) => new DicomDataset(textEncoding: Encoding.UTF8)
        .AddString(SrTags.CodeValue, "SH", code.Value)
        .AddString(SrTags.CodingSchemeDesignator, "SH", code.Scheme)
        .AddString(SrTags.CodeMeaning, "LO", code.Meaning);

    public static DicomDataset Container(string relationship, Code name, params DicomDataset[] children) =>
        Item(relationship, "CONTAINER", name)
            .AddString(SrTags.ContinuityOfContent, "CS", "SEPARATE")
            .AddSequence(SrTags.ContentSequence, children);

    public static DicomDataset Text(string relationship, Code name, string text) =>
        Item(relationship, "TEXT", name).AddString(SrTags.TextValue, "UT", text);

    public static DicomDataset CodeValue(string relationship, Code name, Code value) =>
        Item(relationship, "CODE", name).AddSequence(SrTags.ConceptCodeSequence, CodeItem(value));

    public static DicomDataset UidRef(string relationship, Code name, string uid) =>
        Item(relationship, "UIDREF", name).AddString(SrTags.Uid, "UI", uid);

    public static DicomDataset Num(string relationship, Code name, double value, Code units) =>
        Item(relationship, "NUM", name).AddSequence(SrTags.MeasuredValueSequence, new DicomDataset()
            .AddSequence(SrTags.MeasurementUnitsCodeSequence, CodeItem(units))
            .AddString(SrTags.NumericValue, "DS", Decimal(value)));

    public static DicomDataset Image(string relationship, Code? name, string sopClassUid, string sopInstanceUid)
    {
        var item = new DicomDataset(textEncoding: Encoding.UTF8)
            .AddString(SrTags.RelationshipType, "CS", relationship)
            .AddString(SrTags.ValueType, "CS", "IMAGE");
        if (name is not null)
        {
            item.AddSequence(SrTags.ConceptNameCodeSequence, CodeItem(name));
        }

        return item.AddSequence(SrTags.ReferencedSopSequence, new DicomDataset()
            .AddString(SrTags.ReferencedSopClassUid, "UI", sopClassUid)
            .AddString(SrTags.ReferencedSopInstanceUid, "UI", sopInstanceUid));
    }

    /// <summary>A DS value: at most 16 characters (PS3.5 6.2), as many significant digits as fit.</summary>
    public static string Decimal(double value)
    {
        for (int digits = 10; digits > 0; digits--)
        {
            string text = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (text.Length <= 16)
            {
                return text;
            }
        }

        return "0";
    }

    private static DicomDataset Item(string relationship, string valueType, Code name) => new DicomDataset(textEncoding: Encoding.UTF8)
        .AddString(SrTags.RelationshipType, "CS", relationship)
        .AddString(SrTags.ValueType, "CS", valueType)
        .AddSequence(SrTags.ConceptNameCodeSequence, CodeItem(name));
}
