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

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("FOR PRESENTATION", "1.2.840.10008.5.1.4.1.1.1.1", true)]     // DX for presentation
    [InlineData(null, "1.2.840.10008.5.1.4.1.1.1", true)]                     // CR
    [InlineData(" for processing ", null, false)]
    [InlineData(null, "1.2.840.10008.5.1.4.1.1.1.1.1", false)]                // DX for processing
    [InlineData("FOR PRESENTATION", "1.2.840.10008.5.1.4.1.1.1.2.1", false)]  // mammography for processing
    public void For_processing_images_are_refused_by_intent_or_sop_class(string? intent, string? sopClass, bool accepted)
    {
        var metadata = new RadiographMetadata { Modality = "DX", PresentationIntentType = intent, SopClassUid = sopClass };
        string? reason = ChestXrayRules.Reject(metadata);
        Assert.Equal(accepted, reason is null);
        if (reason is not null)
        {
            Assert.Contains("FOR PROCESSING", reason);
        }
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
