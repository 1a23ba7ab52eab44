namespace TbScreen.Screening;

/// <summary>Per-file outcome, in the spirit of CAD4TB's codes (docs/screening.md has the rules).</summary>
public enum ScreeningStatus
{
    Ok,
    NotChestXray,
    InvalidDicom,
    UnsupportedTransferSyntax,
    UnreadableImage,
    ProcessingFailed,
}

public static class ScreeningStatusCodes
{
    /// <summary>The code written to CSV/JSON and the API: ok, not-chest-xray, invalid-dicom, ...</summary>
    public static string ToCode(this ScreeningStatus status) => status switch
    {
        ScreeningStatus.Ok => "ok",
        ScreeningStatus.NotChestXray => "not-chest-xray",
        ScreeningStatus.InvalidDicom => "invalid-dicom",
        ScreeningStatus.UnsupportedTransferSyntax => "unsupported-transfer-syntax",
        ScreeningStatus.UnreadableImage => "unreadable-image",
        ScreeningStatus.ProcessingFailed => "processing-failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static ScreeningStatus Parse(string code)
    {
        foreach (var status in Enum.GetValues<ScreeningStatus>())
        {
            if (status.ToCode() == code)
            {
                return status;
            }
        }

        throw new ArgumentException($"Unknown screening status code '{code}'.", nameof(code));
    }
}
