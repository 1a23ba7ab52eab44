using System.CommandLine;
using TbScreen.Screening.Sites;

namespace TbScreen.Cli;

/// <summary>`--site-profile site.json`: a site's threshold (from `tbscreen site-calibrate`) replaces the shipped one.</summary>
internal sealed class SiteProfileCliOption
{
    public Option<string?> Option { get; } = new("--site-profile")
    {
        Description = "site.json from `tbscreen site-calibrate` (or a dashboard export): its threshold decides instead of ensemble.json's.",
    };

    public void AddTo(Command command) => command.Options.Add(Option);

    /// <summary>The profile, or null without the option; a missing or malformed file is an input error naming it.</summary>
    public SiteProfile? Load(ParseResult result) =>
        result.GetValue(Option) is { } path ? SiteProfileFile.Read(InputFiles.Require(path)) : null;

    public static string Describe(SiteProfile profile, string? path = null) =>
        FormattableString.Invariant($"site profile {profile.Label} (threshold {profile.Threshold:0.####}{(path is null ? "" : ", " + path)})");
}
