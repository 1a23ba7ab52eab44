using TbScreen.Imaging;

namespace TbScreen.Screening;

/// <summary>
/// Decides from DICOM attributes whether a file is a frontal chest radiograph the models were trained for
/// (docs/screening.md). Only attributes that are present count: an absent tag never rejects a file, because many
/// exporters leave Body Part Examined or View Position empty on genuine chest films.
/// </summary>
public static class ChestXrayRules
{
    /// <summary>CR and DX are the projection radiography modalities; DR is not a DICOM code but some devices write it.</summary>
    public static IReadOnlySet<string> RadiographModalities { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "CR", "DX", "DR" };

    public static IReadOnlySet<string> ChestBodyParts { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "CHEST", "THORAX", "LUNG" };

    public static IReadOnlySet<string> LateralViews { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "LL", "RL", "LATERAL", "LAT" };

    /// <summary>
    /// The "For Processing" image storage SOP classes of projection radiography (PS3.4 B.5): DX, mammography and
    /// intra-oral. Their pixels are raw detector data that the modality has not yet processed for viewing.
    /// </summary>
    public static IReadOnlySet<string> ForProcessingSopClasses { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "1.2.840.10008.5.1.4.1.1.1.1.1", "1.2.840.10008.5.1.4.1.1.1.2.1", "1.2.840.10008.5.1.4.1.1.1.3.1",
    };

    /// <summary>Null when the file may be screened; otherwise the reason it is not a frontal chest radiograph.</summary>
    public static string? Reject(RadiographMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (Present(metadata.Modality) is { } modality && !RadiographModalities.Contains(modality))
        {
            return $"modality {modality} is not a radiograph (CR, DX or DR)";
        }

        string? forProcessing = string.Equals(Present(metadata.PresentationIntentType), "FOR PROCESSING", StringComparison.OrdinalIgnoreCase)
            ? "presentation intent type FOR PROCESSING"
            : Present(metadata.SopClassUid) is { } sopClass && ForProcessingSopClasses.Contains(sopClass) ? $"SOP class {sopClass} (FOR PROCESSING)" : null;
        if (forProcessing is not null)
        {
            return $"{forProcessing}: raw detector data the modality has not processed for viewing; send the FOR PRESENTATION image of the same exposure";
        }

        if (Present(metadata.BodyPartExamined) is { } bodyPart && !ChestBodyParts.Contains(bodyPart))
        {
            return $"body part examined {bodyPart} is not CHEST";
        }

        if (Present(metadata.ViewPosition) is { } view && LateralViews.Contains(view))
        {
            return $"view position {view} is a lateral view; the models read frontal (PA/AP) films only";
        }

        return null;
    }

    private static string? Present(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
