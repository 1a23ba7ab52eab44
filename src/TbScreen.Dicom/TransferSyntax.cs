namespace TbScreen.Dicom;

/// <summary>How a dataset is encoded on the wire, and whether its pixel data is encapsulated.</summary>
public sealed record TransferSyntax(string Uid, string Name, bool ExplicitVr, bool BigEndian, bool Deflated, bool Encapsulated, bool Lossy)
{
    public const string ImplicitVrLittleEndianUid = "1.2.840.10008.1.2";
    public const string ExplicitVrLittleEndianUid = "1.2.840.10008.1.2.1";
    public const string DeflatedExplicitVrLittleEndianUid = "1.2.840.10008.1.2.1.99";
    public const string ExplicitVrBigEndianUid = "1.2.840.10008.1.2.2";
    public const string RleLosslessUid = "1.2.840.10008.1.2.5";
    public const string JpegBaselineUid = "1.2.840.10008.1.2.4.50";
    public const string JpegExtendedUid = "1.2.840.10008.1.2.4.51";
    public const string JpegLosslessUid = "1.2.840.10008.1.2.4.57";
    public const string JpegLosslessSv1Uid = "1.2.840.10008.1.2.4.70";
    public const string JpegLsLosslessUid = "1.2.840.10008.1.2.4.80";
    public const string JpegLsNearLosslessUid = "1.2.840.10008.1.2.4.81";
    public const string Jpeg2000LosslessUid = "1.2.840.10008.1.2.4.90";
    public const string Jpeg2000Uid = "1.2.840.10008.1.2.4.91";
    public const string HtJpeg2000LosslessUid = "1.2.840.10008.1.2.4.201";
    public const string HtJpeg2000RpclLosslessUid = "1.2.840.10008.1.2.4.202";
    public const string HtJpeg2000Uid = "1.2.840.10008.1.2.4.203";
    public const string JpegXlLosslessUid = "1.2.840.10008.1.2.4.110";
    public const string JpegXlJpegRecompressionUid = "1.2.840.10008.1.2.4.111";
    public const string JpegXlUid = "1.2.840.10008.1.2.4.112";
    public const string EncapsulatedUncompressedUid = "1.2.840.10008.1.2.1.98";

    public static readonly TransferSyntax ImplicitVrLittleEndian = new(ImplicitVrLittleEndianUid, "Implicit VR Little Endian", false, false, false, false, false);
    public static readonly TransferSyntax ExplicitVrLittleEndian = new(ExplicitVrLittleEndianUid, "Explicit VR Little Endian", true, false, false, false, false);
    public static readonly TransferSyntax DeflatedExplicitVrLittleEndian = new(DeflatedExplicitVrLittleEndianUid, "Deflated Explicit VR Little Endian", true, false, true, false, false);
    public static readonly TransferSyntax ExplicitVrBigEndian = new(ExplicitVrBigEndianUid, "Explicit VR Big Endian", true, true, false, false, false);

    private static readonly Dictionary<string, TransferSyntax> Known = new[]
    {
        ImplicitVrLittleEndian,
        ExplicitVrLittleEndian,
        DeflatedExplicitVrLittleEndian,
        ExplicitVrBigEndian,
        EncapsulatedSyntax(RleLosslessUid, "RLE Lossless", lossy: false),
        EncapsulatedSyntax(JpegBaselineUid, "JPEG Baseline (Process 1)", lossy: true),
        EncapsulatedSyntax(JpegExtendedUid, "JPEG Extended (Process 2 & 4)", lossy: true),
        EncapsulatedSyntax(JpegLosslessUid, "JPEG Lossless, Non-Hierarchical (Process 14)", lossy: false),
        EncapsulatedSyntax(JpegLosslessSv1Uid, "JPEG Lossless, First-Order Prediction (Process 14 [SV1])", lossy: false),
        EncapsulatedSyntax(JpegLsLosslessUid, "JPEG-LS Lossless", lossy: false),
        EncapsulatedSyntax(JpegLsNearLosslessUid, "JPEG-LS Near-Lossless", lossy: true),
        EncapsulatedSyntax(Jpeg2000LosslessUid, "JPEG 2000 (Lossless Only)", lossy: false),
        EncapsulatedSyntax(Jpeg2000Uid, "JPEG 2000", lossy: true),
        EncapsulatedSyntax(HtJpeg2000LosslessUid, "High-Throughput JPEG 2000 (Lossless Only)", lossy: false),
        EncapsulatedSyntax(HtJpeg2000RpclLosslessUid, "High-Throughput JPEG 2000 with RPCL Options (Lossless Only)", lossy: false),
        EncapsulatedSyntax(HtJpeg2000Uid, "High-Throughput JPEG 2000", lossy: true),
        EncapsulatedSyntax(JpegXlLosslessUid, "JPEG XL Lossless", lossy: false),
        EncapsulatedSyntax(JpegXlJpegRecompressionUid, "JPEG XL JPEG Recompression", lossy: true),
        EncapsulatedSyntax(JpegXlUid, "JPEG XL", lossy: true),
        EncapsulatedSyntax(EncapsulatedUncompressedUid, "Encapsulated Uncompressed Explicit VR Little Endian", lossy: false),
    }.ToDictionary(t => t.Uid, StringComparer.Ordinal);

    /// <summary>Every transfer syntax the reader can parse (pixel decoding may still need a native library).</summary>
    public static IReadOnlyCollection<TransferSyntax> All => Known.Values;

    /// <summary>Looks up a UID; unknown UIDs raise <see cref="UnsupportedTransferSyntaxException"/>.</summary>
    public static TransferSyntax Lookup(string uid) =>
        Known.TryGetValue(uid, out var syntax) ? syntax : throw new UnsupportedTransferSyntaxException(uid);

    public static bool TryLookup(string uid, out TransferSyntax syntax)
    {
        if (Known.TryGetValue(uid, out var found))
        {
            syntax = found;
            return true;
        }

        syntax = ImplicitVrLittleEndian;
        return false;
    }

    private static TransferSyntax EncapsulatedSyntax(string uid, string name, bool lossy) => new(uid, name, true, false, false, true, lossy);
}
