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

    /// <summary>Null when the file may be screened; otherwise the reason it is not a frontal chest radiograph.</summary>
    public static string? Reject(RadiographMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (Present(metadata.Modality) is { } modality && !RadiographModalities.Contains(modality))
        {
            return $"modality {modality} is not a radiograph (CR, DX or DR)";
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
