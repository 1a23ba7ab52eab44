using TbScreen.Imaging;

namespace TbScreen.Screening.Tests.Pipeline;

public sealed class ChestXrayRulesTests
{
    [Theory]
    [InlineData(null, null, null, true)]
    [InlineData("CR", "CHEST", "PA", true)]
    [InlineData("dx", "Thorax", "AP", true)]
    [InlineData("DR", "LUNG", null, true)]
    [InlineData(" CR ", " CHEST ", " PA ", true)]
    [InlineData("CT", "CHEST", "PA", false)]
    [InlineData("CR", "KNEE", "PA", false)]
    [InlineData("CR", "CHEST", "LL", false)]
    [InlineData("CR", "CHEST", "lateral", false)]
    [InlineData("", "", "", true)]
    public void Rules(string? modality, string? bodyPart, string? view, bool accepted)
    {
        var metadata = new RadiographMetadata { Modality = modality, BodyPartExamined = bodyPart, ViewPosition = view };
        Assert.Equal(accepted, ChestXrayRules.Reject(metadata) is null);
    }

    [Fact]
    public void StatusCodesRoundTrip()
    {
        foreach (var status in Enum.GetValues<ScreeningStatus>())
        {
            Assert.Equal(status, ScreeningStatusCodes.Parse(status.ToCode()));
        }
    }
}
