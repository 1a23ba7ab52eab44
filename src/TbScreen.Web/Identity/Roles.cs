namespace TbScreen.Web.Identity;

/// <summary>The dashboard's roles. Stable strings: they are stored in AspNetRoles and named in docs/dashboard.md.</summary>
public static class Roles
{
    public const string Clinician = "clinician";
    public const string Radiologist = "radiologist";
    public const string Auditor = "auditor";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Clinician, Radiologist, Auditor, Admin];
}

/// <summary>
/// What each feature needs. Every endpoint and page names one of these; the fallback policy (signed in) covers
/// anything that forgets, and a test enumerates the endpoints so nothing is left open.
/// </summary>
public static class Policies
{
    /// <summary>Upload radiographs, view results, the worklist and jobs: clinicians and the roles above them.</summary>
    public const string Screen = "screen";

    /// <summary>The screen roles on the DICOMweb endpoints, signed in by cookie or by HTTP Basic (PACS and archives).</summary>
    public const string ScreenDicomWeb = "screen-dicomweb";

    /// <summary>Confirm or override a result.</summary>
    public const string Review = "review";

    /// <summary>Model reports, the audit log, review statistics.</summary>
    public const string Audit = "audit";

    /// <summary>Start jobs on server folders, manage users.</summary>
    public const string Admin = "admin";

    /// <summary>Any role at all: model cards and review statistics (no patient data).</summary>
    public const string AnyRole = "any-role";

    public static readonly string[] ScreenRoles = [Roles.Clinician, Roles.Radiologist, Roles.Admin];
    public static readonly string[] AuditRoles = [Roles.Auditor, Roles.Admin];
}
