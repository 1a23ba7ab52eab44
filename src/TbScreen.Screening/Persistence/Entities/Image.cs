namespace TbScreen.Screening.Persistence.Entities;

/// <summary>
/// One radiograph file. <see cref="ImageKey"/> is "sha256:HEX" of its bytes: results are reused only for the same
/// bytes, never on a UID alone (databases from before issue 17 may still hold "sop:UID" keys; they are never matched).
/// Only de-identified attributes: the subgroups fairness audits need and a keyed pseudonym, never names or patient IDs.
/// </summary>
public sealed class Image
{
    public long Id { get; set; }

    public required string ImageKey { get; set; }

    public string? SopInstanceUid { get; set; }

    public string? SeriesInstanceUid { get; set; }

    public long? StudyId { get; set; }

    public Study? Study { get; set; }

    /// <summary>SHA-256 of the first file seen for this image (its key in the content store).</summary>
    public string? ContentSha256 { get; set; }

    /// <summary>SHA-256 of the decoded stored pixels (<see cref="ImageIdentity.PixelSha256"/>); null when nothing was decoded.</summary>
    public string? PixelSha256 { get; set; }

    /// <summary>Keyed pseudonym of the Patient ID (<see cref="PatientPseudonyms"/>), linking one patient's images; never the ID.</summary>
    public string? PatientPseudonym { get; set; }

    public string? PatientSex { get; set; }

    /// <summary>DICOM age string, e.g. "042Y".</summary>
    public string? PatientAge { get; set; }

    public string? InstitutionName { get; set; }

    public string? Manufacturer { get; set; }

    public string? ManufacturerModelName { get; set; }

    public string? Modality { get; set; }

    public string? BodyPartExamined { get; set; }

    public string? ViewPosition { get; set; }

    /// <summary>DICOM Station Name (0008,1010), one of the site rules' attributes.</summary>
    public string? StationName { get; set; }

    /// <summary>Input properties for drift monitoring: pixel rows, columns, bits stored and photometric interpretation.</summary>
    public int? Rows { get; set; }

    public int? Columns { get; set; }

    public int? BitsStored { get; set; }

    public string? PhotometricInterpretation { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When the retention task deleted the source file from the content store; results and heatmaps stay.</summary>
    public DateTime? SourcePurgedAt { get; set; }
}
