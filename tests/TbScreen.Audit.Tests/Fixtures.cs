using TbScreen.Audit;

namespace TbScreen.Audit.Tests;

/// <summary>Small hand-checkable groups; a case is called TB when its score is at least 0.5.</summary>
internal static class Fixtures
{
    public static AuditCase Case(bool tb, double score, string? sex = null, double? age = null, string? source = null) =>
        new($"c{Guid.NewGuid():N}.png", tb, score, score >= 0.5, source, sex, age);

    /// <summary>
    /// 4 TB (0.9, 0.8, 0.7, 0.3) and 6 not TB (0.6, 0.4, 0.2, 0.1, 0.05, 0.0): TP 3, FN 1, FP 1, TN 5;
    /// TPR 0.75, FPR 1/6, PPV 0.75, NPV 5/6, positive rate 0.4, AUC 22/24, ECE 0.265.
    /// </summary>
    public static List<AuditCase> GroupA(string sex = "F") =>
        [.. new[] { 0.9, 0.8, 0.7, 0.3 }.Select(s => Case(true, s, sex)),
         .. new[] { 0.6, 0.4, 0.2, 0.1, 0.05, 0.0 }.Select(s => Case(false, s, sex))];

    /// <summary>2 TB (0.6, 0.45) and 10 not TB (0.7, 0.55 called; 8 below 0.5): TPR 0.5, FPR 0.2, positive rate 0.25.</summary>
    public static List<AuditCase> GroupB(string sex = "M") =>
        [.. new[] { 0.6, 0.45 }.Select(s => Case(true, s, sex)),
         .. new[] { 0.7, 0.55, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.42 }.Select(s => Case(false, s, sex))];

    public static Subgroup Group(string value, IReadOnlyList<AuditCase> cases) => new("sex", value, cases);
}
