namespace TbScreen.Web.Api;

/// <summary>The label every result and the OpenAPI document carry: TbScreen is not a cleared device.</summary>
public static class ResearchNotice
{
    public const string Text =
        "Research use only, not a medical device. Results must not be used for diagnosis or treatment decisions.";
}
