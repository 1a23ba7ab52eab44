namespace TbScreen.Screening.Sites;

/// <summary>
/// What is known about where an image came from when it is screened: its DICOM attributes, the calling AE title
/// (null until a DICOM node receives images) and the site a user chose for the upload or job (by name).
/// </summary>
public sealed record SiteContext(string? InstitutionName, string? StationName, string? CallingAeTitle = null, string? ChosenSite = null);
