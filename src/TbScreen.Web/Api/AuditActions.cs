namespace TbScreen.Web.Api;

/// <summary>The audit log's action names; stable strings, since reports filter on them.</summary>
internal static class AuditActions
{
    public const string ScreeningUploaded = "screening.upload";
    public const string DicomWebStored = "dicomweb.stow";
    public const string DicomWebSearched = "dicomweb.qido";
    public const string DicomWebRetrieved = "dicomweb.wado";
    public const string DicomPullFound = TbScreen.Pacs.ArchivePullAudit.Found;
    public const string DicomPullStarted = TbScreen.Pacs.ArchivePullAudit.Started;
    public const string DicomPullResumed = TbScreen.Pacs.ArchivePullAudit.Resumed;
    public const string ResultViewed = "screening.view";
    public const string HeatmapViewed = "screening.heatmap.view";
    public const string ImageViewed = "screening.image.view";
    public const string ReviewRecorded = "screening.review";
    public const string JobCreated = "job.create";
    public const string JobCompleted = "job.completed";
    public const string JobStopped = "job.stopped";
    public const string JobCancelled = "job.cancelled";
    public const string JobExported = "job.export";
    public const string SignedIn = "auth.signin";
    public const string SignInFailed = "auth.signin.failed";
    public const string SignInLockedOut = "auth.signin.lockedout";
    public const string SignedOut = "auth.signout";
    public const string UserCreated = "user.create";
    public const string UserRolesChanged = "user.roles";
    public const string UserPasswordSet = "user.password";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string OwnPasswordChanged = "user.password.own";

    /// <summary>An account change recorded ahead (<see cref="Identity.AccountAudit"/>) that then did not happen; the detail says which and why.</summary>
    public const string AccountChangeFailed = "user.change.failed";
}
