namespace TbScreen.Audit;

/// <summary>
/// The cases sharing one value of an attribute ("sex" = "F"), or of an intersection ("sex x age" = "F x 15-34").
/// </summary>
public sealed record Subgroup(string Attribute, string Value, IReadOnlyList<AuditCase> Cases)
{
    public string Name => $"{Attribute}={Value}";
}

/// <summary>An intersection that was not reported, and why.</summary>
public sealed record SkippedIntersection(string Attribute, string Reason);

public sealed record SubgroupSet(IReadOnlyList<Subgroup> Groups, IReadOnlyList<SkippedIntersection> Skipped);
