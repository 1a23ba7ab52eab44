namespace TbScreen.Audit;

/// <summary>
/// Splits cases by each attribute, and by each pair of attributes (e.g. sex x age) only when every cell of the
/// pair (every combination of the values seen for each attribute) holds at least the minimum n. A pair that fails
/// is listed as skipped with the first small cell, so small intersections are never silently over-read.
/// </summary>
public static class SubgroupBuilder
{
    public const string IntersectionSeparator = " x ";

    public static SubgroupSet Build(IReadOnlyList<AuditCase> cases, IReadOnlyList<SubgroupAttribute> attributes, AgeBands bands, int minimumN)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(bands);
        var groups = new List<Subgroup>();
        foreach (var attribute in attributes)
        {
            groups.AddRange(cases
                .GroupBy(c => attribute.ValueOf(c, bands))
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new Subgroup(attribute.Name(), g.Key, g.ToList())));
        }

        var skipped = new List<SkippedIntersection>();
        for (int a = 0; a < attributes.Count; a++)
        {
            for (int b = a + 1; b < attributes.Count; b++)
            {
                var (first, second) = (attributes[a], attributes[b]);
                string name = first.Name() + IntersectionSeparator + second.Name();
                var firstValues = Values(cases, first, bands);
                var secondValues = Values(cases, second, bands);
                var cells = firstValues
                    .SelectMany(x => secondValues.Select(y => (Value: x + IntersectionSeparator + y,
                        Cases: cases.Where(c => first.ValueOf(c, bands) == x && second.ValueOf(c, bands) == y).ToList())))
                    .ToList();
                var small = cells.FirstOrDefault(cell => cell.Cases.Count < minimumN);
                if (firstValues.Count < 2 && secondValues.Count < 2)
                {
                    skipped.Add(new SkippedIntersection(name, "each attribute has a single value: nothing to compare"));
                }
                else if (small.Cases is not null)
                {
                    skipped.Add(new SkippedIntersection(name, $"cell {small.Value} has n = {small.Cases.Count} < {minimumN} (of {cells.Count} cells, {cells.Count(c => c.Cases.Count < minimumN)} are below the minimum)"));
                }
                else
                {
                    groups.AddRange(cells.Select(cell => new Subgroup(name, cell.Value, cell.Cases)));
                }
            }
        }

        return new SubgroupSet(groups, skipped);
    }

    private static List<string> Values(IReadOnlyList<AuditCase> cases, SubgroupAttribute attribute, AgeBands bands) =>
        cases.Select(c => attribute.ValueOf(c, bands)).Distinct().OrderBy(v => v, StringComparer.Ordinal).ToList();
}
