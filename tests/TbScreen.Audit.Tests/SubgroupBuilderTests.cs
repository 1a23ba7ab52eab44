using TbScreen.Audit;

namespace TbScreen.Audit.Tests;

public sealed class SubgroupBuilderTests
{
    private static readonly AgeBands Bands = AgeBands.Parse(AgeBands.Default);

    private static List<AuditCase> Cases(int perCell, int smallCell)
    {
        var cases = new List<AuditCase>();
        foreach (string sex in new[] { "M", "F" })
        {
            foreach (double age in new[] { 20.0, 40.0 })
            {
                int n = sex == "F" && age == 40 ? smallCell : perCell;
                cases.AddRange(Enumerable.Range(0, n).Select(i => Fixtures.Case(i % 2 == 0, i % 2 == 0 ? 0.8 : 0.2, sex, age)));
            }
        }

        return cases;
    }

    [Fact]
    public void Single_attributes_are_always_reported()
    {
        var set = SubgroupBuilder.Build(Cases(30, 5), [SubgroupAttribute.Sex, SubgroupAttribute.Age], Bands, 30);
        Assert.Equal(["sex=F", "sex=M", "age=15-34", "age=35-54"], set.Groups.Select(g => g.Name));
        Assert.Equal([35, 60, 60, 35], set.Groups.Select(g => g.Cases.Count));
    }

    [Fact]
    public void An_intersection_with_a_cell_below_the_minimum_is_skipped_with_the_reason()
    {
        var set = SubgroupBuilder.Build(Cases(30, 5), [SubgroupAttribute.Sex, SubgroupAttribute.Age], Bands, 30);
        Assert.DoesNotContain(set.Groups, g => g.Attribute == "sex x age");
        var skipped = Assert.Single(set.Skipped);
        Assert.Equal("sex x age", skipped.Attribute);
        Assert.Contains("F x 35-54 has n = 5 < 30", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_intersection_is_reported_when_every_cell_reaches_the_minimum()
    {
        var set = SubgroupBuilder.Build(Cases(30, 30), [SubgroupAttribute.Sex, SubgroupAttribute.Age], Bands, 30);
        Assert.Empty(set.Skipped);
        var cells = set.Groups.Where(g => g.Attribute == "sex x age").ToList();
        Assert.Equal(["F x 15-34", "F x 35-54", "M x 15-34", "M x 35-54"], cells.Select(c => c.Value));
        Assert.All(cells, c => Assert.Equal(30, c.Cases.Count));
    }

    [Fact]
    public void An_empty_combination_counts_as_a_cell_of_zero()
    {
        var cases = Cases(30, 0);
        var set = SubgroupBuilder.Build(cases, [SubgroupAttribute.Sex, SubgroupAttribute.Age], Bands, 10);
        Assert.Contains("F x 35-54 has n = 0", Assert.Single(set.Skipped).Reason, StringComparison.Ordinal);
    }
}
