using TbScreen.Screening.Persistence;

namespace TbScreen.Screening.Tests.Persistence;

public sealed class PatientAgesTests
{
    [Theory]
    [InlineData("089Y", "089Y")]
    [InlineData("090Y", "90+")]
    [InlineData("104Y", "90+")]
    [InlineData("95", "90+")]
    [InlineData("89", "89")]
    [InlineData("1080M", "90+")]
    [InlineData("1079M", "1079M")] // 89.9 years
    [InlineData("006M", "006M")]
    [InlineData("003W", "003W")]
    [InlineData("unknown", "unknown")]
    [InlineData("", "")]
    [InlineData(null, null)]
    public void AgesOfNinetyOrMoreBecomeNinetyPlus(string? stored, string? expected) =>
        Assert.Equal(expected, PatientAges.SafeHarbor(stored));
}
