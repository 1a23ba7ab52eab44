namespace TbScreen.Dicom;

/// <summary>
/// One data element. Values are kept as raw bytes in the dataset's byte order (slices of the file
/// buffer, so parsing allocates nothing per element); sequences hold items; encapsulated pixel data
/// holds fragments (the first one is the Basic Offset Table).
/// </summary>
public sealed class DicomElement
{
    public DicomElement(uint tag, string vr, ReadOnlyMemory<byte> value)
    {
        Tag = tag;
        Vr = vr;
        Value = value;
    }

    public DicomElement(uint tag, IReadOnlyList<DicomDataset> items)
    {
        Tag = tag;
        Vr = "SQ";
        Items = items;
    }

    public DicomElement(uint tag, string vr, IReadOnlyList<ReadOnlyMemory<byte>> fragments)
    {
        Tag = tag;
        Vr = vr;
        Fragments = fragments;
    }

    public uint Tag { get; }

    public string Vr { get; }

    public ReadOnlyMemory<byte> Value { get; }

    public IReadOnlyList<DicomDataset>? Items { get; }

    /// <summary>Encapsulated pixel data: item 0 is the Basic Offset Table (possibly empty).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? Fragments { get; }

    public bool IsSequence => Items is not null;

    public bool IsEncapsulated => Fragments is not null;

    public override string ToString() => $"{DicomTag.Format(Tag)} {Vr}";
}
