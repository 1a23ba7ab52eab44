namespace TbScreen.Screening.Sites;

/// <summary>What one screening call decides under: the profiles snapshot, the site chosen for the upload or job, the calling AE title.</summary>
public sealed record SiteScope(SiteProfiles Profiles, string? ChosenSite = null, string? CallingAeTitle = null);
