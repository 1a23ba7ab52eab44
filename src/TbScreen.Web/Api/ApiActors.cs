namespace TbScreen.Web.Api;

/// <summary>Who the audit log names until identity arrives (the dashboard's issue adds sign-in).</summary>
internal static class ApiActors
{
    public const string Anonymous = "anonymous";

    /// <summary>The host itself, for work it does in the background.</summary>
    public const string System = "system";
}
