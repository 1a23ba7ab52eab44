using TbScreen.Audit;

namespace TbScreen.Audit.Tests;

public sealed class AgeBandAndSexTests
{
    private static readonly AgeBands Bands = AgeBands.Parse(AgeBands.Default);

    [Theory]
    [InlineData(0.0, "0-14")]
    [InlineData(14.0, "0-14")]
    [InlineData(14.5, "0-14")]
    [InlineData(15.0, "15-34")]
    [InlineData(34.0, "15-34")]
    [InlineData(35.0, "35-54")]
    [InlineData(54.0, "35-54")]
    [InlineData(55.0, "55+")]
    [InlineData(89.0, "55+")]
    [InlineData(-1.0, "unknown")]
    public void Ages_fall_in_the_documented_band(double age, string band) => Assert.Equal(band, Bands.Label(age));

    [Fact]
    public void A_missing_age_is_unknown() => Assert.Equal("unknown", Bands.Label(null));

    [Fact]
    public void Custom_bands_with_a_closed_last_band_leave_older_ages_unknown()
    {
        var bands = AgeBands.Parse("0-17,18-64");
        Assert.Equal("18-64", bands.Label(64.9));
        Assert.Equal("unknown", bands.Label(65));
    }

    [Theory]
    [InlineData("10-5+")]
    [InlineData("55+,0-14")]
    [InlineData("abc")]
    [InlineData("")]
    public void Malformed_bands_are_rejected(string spec) => Assert.Throws<FormatException>(() => AgeBands.Parse(spec));

    [Theory]
    [InlineData("M", "M")]
    [InlineData("male", "M")]
    [InlineData("f", "F")]
    [InlineData("Female", "F")]
    [InlineData("", "unknown")]
    [InlineData("X", "unknown")]
    [InlineData(null, "unknown")]
    public void Sex_is_normalised_with_missing_as_unknown(string? sex, string expected) =>
        Assert.Equal(expected, SubgroupAttribute.Sex.ValueOf(new AuditCase("a", false, 0, false, Sex: sex), Bands));

    [Fact]
    public void Missing_site_and_manufacturer_are_unknown()
    {
        var c = new AuditCase("a", false, 0, false);
        Assert.Equal("unknown", SubgroupAttribute.Site.ValueOf(c, Bands));
        Assert.Equal("unknown", SubgroupAttribute.Manufacturer.ValueOf(c, Bands));
    }

    [Fact]
    public void Attributes_parse_in_order_and_reject_unknown_names()
    {
        Assert.Equal([SubgroupAttribute.Site, SubgroupAttribute.Sex], SubgroupAttributes.Parse("site, sex,site"));
        Assert.Throws<FormatException>(() => SubgroupAttributes.Parse("sex,height"));
    }
}
