namespace TbScreen.Screening.Persistence.Entities;

/// <summary>A DICOM study, by Study Instance UID. De-identified: no patient name, ID or birth date is ever stored.</summary>
public sealed class Study
{
    public long Id { get; set; }

    public required string StudyInstanceUid { get; set; }

    public string? InstitutionName { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<Image> Images { get; set; } = [];
}
