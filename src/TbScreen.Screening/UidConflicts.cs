namespace TbScreen.Screening;

/// <summary>
/// A file whose SOP Instance UID already belongs to an image with other pixels: it is screened on its own, its result
/// carries the uid-conflict flag (so it reaches the worklist and reviewers see why), and the audit trail records it.
/// </summary>
public static class UidConflicts
{
    public const string FlagName = "uid-conflict";

    public const string AuditAction = "uid-conflict";

    public const string Reason = "UID conflict: another image with different pixels already has this SOP Instance UID; check which file is genuine before trusting either result";

    public static ScreeningOutcome Mark(ScreeningOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status != ScreeningStatus.Ok)
        {
            return outcome with { UidConflict = true };
        }

        bool flagged = outcome.Flag is { } f && f != DecisionText.NoFlag;
        return outcome with
        {
            UidConflict = true,
            Flag = flagged ? $"{outcome.Flag}+{FlagName}" : FlagName,
            FlagReason = flagged ? $"{Reason}; {outcome.FlagReason}" : $"{Reason}; refer to a radiologist",
        };
    }
}
