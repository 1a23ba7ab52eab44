namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>Transfer syntax UIDs of the JPEG family handled here.</summary>
public static class JpegTransferSyntaxes
{
    /// <summary>JPEG Baseline (Process 1), 8-bit lossy.</summary>
    public const string Baseline = "1.2.840.10008.1.2.4.50";

    /// <summary>JPEG Extended (Process 2 and 4), 8 or 12-bit lossy.</summary>
    public const string Extended = "1.2.840.10008.1.2.4.51";

    /// <summary>JPEG Lossless, Non-Hierarchical (Process 14), any predictor.</summary>
    public const string Lossless = "1.2.840.10008.1.2.4.57";

    /// <summary>JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, selection value 1).</summary>
    public const string LosslessSV1 = "1.2.840.10008.1.2.4.70";
}
