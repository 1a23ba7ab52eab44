using TbScreen.Screening.Sites;

namespace TbScreen.Screening.Tests.Sites;

public sealed class SiteRuleEngineTests
{
    private const double Shipped = 0.8965;

    private static readonly SiteProfile NorthV2 = new() { Site = "North", Version = 2, State = SiteProfileStates.Active, Threshold = 0.41, TargetSensitivity = 0.9 };

    private static readonly SiteDefinition[] Sites =
    [
        new("North", [SiteRule.Parse("institution: North General"), SiteRule.Parse("station: XR-N1")], NorthV2),
        new("Mobile", [SiteRule.Parse("ae-title: MOBILE_CR"), SiteRule.Parse("station: VAN-1")], null),
        new("South", [SiteRule.Parse("institution: South Clinic")], new SiteProfile { Site = "South", Version = 1, State = SiteProfileStates.Active, Threshold = 0.3, TargetSensitivity = 0.9 }),
    ];

    private static SiteMatch? Match(SiteContext context) => new SiteRuleEngine(Sites).Match(context);

    [Fact]
    public void InstitutionNameMatchesIgnoringCaseAndDicomPadding() =>
        Assert.Equal(("North", "institution: North General"), Pair(Match(new SiteContext("NORTH GENERAL ", null))));

    [Fact]
    public void StationNameMatches() => Assert.Equal(("Mobile", "station: VAN-1"), Pair(Match(new SiteContext(null, "VAN-1"))));

    [Fact]
    public void CallingAeTitleMatches() => Assert.Equal(("Mobile", "ae-title: MOBILE_CR"), Pair(Match(new SiteContext(null, null, "MOBILE_CR"))));

    [Fact]
    public void TheUploadsChosenSiteBeatsEveryRule() =>
        Assert.Equal(("South", "chosen for the upload or job"), Pair(Match(new SiteContext("North General", "XR-N1", "MOBILE_CR", ChosenSite: "south"))));

    [Fact]
    public void AeTitleBeatsStationAndStationBeatsInstitution()
    {
        // The van's images arrive with the hospital's institution name: the more specific attribute wins.
        Assert.Equal("Mobile", Match(new SiteContext("North General", "XR-N1", "MOBILE_CR"))!.Site.Name);
        Assert.Equal("Mobile", Match(new SiteContext("North General", "VAN-1"))!.Site.Name);
        Assert.Equal("North", Match(new SiteContext("South Clinic", "XR-N1"))!.Site.Name);
    }

    [Fact]
    public void NoMatchMeansTheShippedThreshold()
    {
        Assert.Null(Match(new SiteContext("Elsewhere", "XR-9", "OTHER")));
        var deciding = new SiteProfiles(Sites).Resolve(new SiteContext("Elsewhere", null), Shipped);
        Assert.Equal(new DecidingProfile(null, null, Shipped, null), deciding);
        Assert.Equal("shipped threshold", deciding.Label);
    }

    [Fact]
    public void AMatchedSiteDecidesWithItsActiveProfile()
    {
        var deciding = new SiteProfiles(Sites).Resolve(new SiteContext(null, "XR-N1"), Shipped);
        Assert.Equal(new DecidingProfile("North", 2, 0.41, "station: XR-N1"), deciding);
        Assert.Equal("North v2", deciding.Label);
    }

    [Fact]
    public void AMatchedSiteWithoutAnApprovedProfileUsesTheShippedThreshold()
    {
        var deciding = new SiteProfiles(Sites).Resolve(new SiteContext(null, "VAN-1"), Shipped);
        Assert.Equal(new DecidingProfile("Mobile", null, Shipped, "station: VAN-1"), deciding);
        Assert.True(deciding.IsShipped);
    }

    [Fact]
    public void AFixedProfileDecidesEverything() =>
        Assert.Equal(new DecidingProfile("North", 2, 0.41, "--site-profile"), SiteProfiles.Fixed(NorthV2).Resolve(new SiteContext("South Clinic", null), Shipped));

    [Fact]
    public void AnUnknownChosenSiteIsAnErrorNamingIt()
    {
        var error = Assert.Throws<UnknownSiteException>(() => Match(new SiteContext(null, null, ChosenSite: "West")));
        Assert.Equal("site 'West' was chosen for the upload or job but no site has that name", error.Message);
    }

    [Theory]
    [InlineData("institution North", "site rule 'institution North': expected 'institution: NAME', 'station: NAME' or 'ae-title: TITLE'")]
    [InlineData("room: 4", "site rule 'room: 4': unknown kind 'room' (institution, station or ae-title)")]
    [InlineData("station:  ", "site rule 'station:  ': the value after ':' is empty")]
    public void BadRulesAreRefusedWithTheReason(string text, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => SiteRule.Parse(text)).Message);

    private static (string, string) Pair(SiteMatch? match) => (match!.Site.Name, match.MatchedBy);
}
