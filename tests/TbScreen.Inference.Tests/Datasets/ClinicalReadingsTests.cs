using TbScreen.Inference.Datasets;

namespace TbScreen.Inference.Tests.Datasets;

public sealed class ClinicalReadingsTests
{
    [Theory]
    [InlineData("male 35yrs\nnormal", "M", 35.0, "normal")]
    [InlineData("Male 35yrs\n\nnormal\n", "M", 35.0, "normal")]
    [InlineData("femal 24yrs\nPTB in the left upper field", "F", 24.0, "PTB in the left upper field")]
    [InlineData("female 62 yrs\nright PTB", "F", 62.0, "right PTB")]
    [InlineData("male 16month\nbilateral PTB", "M", 1.33, "bilateral PTB")]
    [InlineData("male 45yr\nnormal", "M", 45.0, "normal")]
    [InlineData("Patient's Sex: F\r\nPatient's Age: 042Y\r\nnormal\r\n", "F", 42.0, "normal")]
    [InlineData("Patient's Sex: M\nPatient's Age: 067Y\nright upper lobe cavity", "M", 67.0, "right upper lobe cavity")]
    [InlineData("Patient's Sex: O\nPatient's Age: 008M\nnormal", null, 0.67, "normal")]
    public void ParsesSexAgeAndFindings(string text, string? sex, double age, string findings)
    {
        var reading = ClinicalReadings.Parse(text);
        Assert.Equal(sex, reading.Sex);
        Assert.NotNull(reading.Age);
        Assert.Equal(age, reading.Age!.Value, 2);
        Assert.Equal(findings, reading.Findings);
    }

    [Fact]
    public void MissingDemographicsAreNull()
    {
        var reading = ClinicalReadings.Parse("normal\n");
        Assert.Null(reading.Sex);
        Assert.Null(reading.Age);
        Assert.Equal("normal", reading.Findings);
    }

    [Theory]
    [InlineData("35yrs", 35.0)]
    [InlineData("042Y", 42.0)]
    [InlineData("6 months", 0.5)]
    [InlineData("10d", 0.03)]
    public void AgeUnits(string text, double years) => Assert.Equal(years, ClinicalReadings.ParseAge(text)!.Value, 2);

    [Fact]
    public void UnknownAgeUnitIsNull() => Assert.Null(ClinicalReadings.ParseAge("35 parsecs"));
}
