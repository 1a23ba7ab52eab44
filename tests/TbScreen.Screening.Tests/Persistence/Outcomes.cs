using TbScreen.Imaging;
using TbScreen.Inference;
using TbScreen.Inference.Heatmaps;

namespace TbScreen.Screening.Tests.Persistence;

/// <summary>Synthetic outcomes with fresh UIDs, so tests sharing one PostgreSQL database never collide.</summary>
internal static class Outcomes
{
    public const string V1 = "alexnet@1.0.0+googlenet@1.0.0";
    public const string V2 = "alexnet@1.1.0+googlenet@1.0.0";

    public static string NewUid() => "2.25." + UInt128.Parse(Guid.NewGuid().ToString("N"), System.Globalization.NumberStyles.HexNumber);

    public static string NewSha() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    public static ScreeningOutcome Ok(string? sop = null, string? sha = null, string version = V1, string? studyUid = null, string? pixels = null) => new()
    {
        PixelSha256 = pixels,
        Source = "/archive/" + (sop ?? "png") + ".dcm",
        Status = ScreeningStatus.Ok,
        ContentSha256 = sha ?? NewSha(),
        SopInstanceUid = sop,
        Metadata = new RadiographMetadata
        {
            SopInstanceUid = sop,
            StudyInstanceUid = studyUid ?? (sop is null ? null : NewUid()),
            SeriesInstanceUid = sop is null ? null : NewUid(),
            PatientSex = "F",
            PatientAge = "042Y",
            InstitutionName = "Synthetic Hospital",
            Manufacturer = "TbScreen Phantom",
            ManufacturerModelName = "ChestPhantom v1",
            Modality = "CR",
            BodyPartExamined = "CHEST",
            ViewPosition = "PA",
        },
        AlexNetProbability = 0.25,
        GoogLeNetProbability = 0.75,
        EnsembleProbability = 0.5,
        MemberProbabilities = new Dictionary<string, double> { ["alexnet"] = 0.25, ["googlenet"] = 0.75 },
        Decision = "not-tb",
        Flag = "disagreement",
        FlagReason = "members disagree",
        ModelVersion = version,
        Heatmap = new Heatmap(2, 2, [0f, 0.25f, 0.5f, 1f]),
        Timings = new StageTimings(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(4)),
        IngestTime = TimeSpan.FromMilliseconds(5),
        Elapsed = TimeSpan.FromMilliseconds(15),
    };

    public static ScreeningOutcome Failed(ScreeningStatus status, string? sop = null, string? sha = null) => new()
    {
        Source = "/archive/bad.dcm",
        Status = status,
        Error = "broken",
        ContentSha256 = sha ?? NewSha(),
        SopInstanceUid = sop,
        ModelVersion = V1,
        Elapsed = TimeSpan.FromMilliseconds(1),
    };
}
