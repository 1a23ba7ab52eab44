namespace TbScreen.Pacs.Tests;

/// <summary>Invalid field values are fixed only when the fix is certain, and dropped otherwise (PS3.5 6.2).</summary>
public sealed class ValueRepairTests
{
    [Theory]
    [InlineData("AS", "62", "062Y")]
    [InlineData("AS", "062", "062Y")]
    [InlineData("AS", "62Y", "062Y")]
    [InlineData("AS", "062Y", "062Y")]
    [InlineData("AS", "003M", "003M")]
    [InlineData("AS", "62 years", null)]
    [InlineData("AS", "1000", null)]
    [InlineData("AS", "", null)]
    [InlineData("DA", "2024-03-05", "20240305")]
    [InlineData("DA", "2024.03.05", "20240305")]
    [InlineData("DA", "20240305", "20240305")]
    [InlineData("DA", "20241305", null)]
    [InlineData("DA", "05/03/2024", null)]
    [InlineData("TM", "14:05:09", "140509")]
    [InlineData("TM", "140509.123", "140509.123")]
    [InlineData("TM", "1405", "1405")]
    [InlineData("TM", "256000", null)]
    [InlineData("UI", "1.2.840.10008.5.1.4.1.1.1", "1.2.840.10008.5.1.4.1.1.1")]
    [InlineData("UI", "1.2.03.4", null)]
    [InlineData("UI", "1.2.a", null)]
    [InlineData("LO", "  PAT-001 ", "PAT-001")]
    [InlineData("LO", "A\\B", null)]
    [InlineData("SH", "ACC-12345678901234", null)]
    [InlineData("PN", "Doe^Jane", "Doe^Jane")]
    [InlineData("IS", "+12", "12")]
    [InlineData("IS", "1.5", null)]
    public void Values_are_fixed_when_certain_and_dropped_otherwise(string vr, string raw, string? expected) =>
        Assert.Equal(expected, ValueRepair.Clean(vr, raw));

    [Theory]
    [InlineData("M", "M")]
    [InlineData("male", "M")]
    [InlineData("f", "F")]
    [InlineData("O", "O")]
    [InlineData("X", null)]
    [InlineData("", null)]
    public void Patient_sex_is_one_of_the_three_defined_terms(string raw, string? expected) =>
        Assert.Equal(expected, ValueRepair.Sex(raw));

    [Fact]
    public void Uids_from_names_are_stable_and_new_ones_unique()
    {
        Assert.Equal(UidGenerator.FromName("a"), UidGenerator.FromName("a"));
        Assert.NotEqual(UidGenerator.FromName("a"), UidGenerator.FromName("b"));
        Assert.NotEqual(UidGenerator.New(), UidGenerator.New());
        Assert.All(new[] { UidGenerator.New(), UidGenerator.FromName("x") }, uid =>
        {
            Assert.StartsWith("2.25.", uid);
            Assert.True(uid.Length <= 64);
            Assert.Equal(uid, ValueRepair.Clean("UI", uid));
        });
    }
}
