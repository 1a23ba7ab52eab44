using System.Globalization;
using System.Text;
using TbScreen.Dicom;
using TbScreen.Dicom.Writing;
using TbScreen.Screening;

namespace TbScreen.Pacs;

/// <summary>A radiologist's confirmation: the report is then VERIFIED, naming who and when.</summary>
public sealed record ReportVerification(string ObserverName, string Organization, DateTimeOffset At, string? FinalRead);

/// <summary>
/// A screening result as a Comprehensive SR (1.2.840.10008.5.1.4.1.1.88.33) for PACS, its content modelled on
/// TID 1500 (Imaging Measurement Report) and the IHE AI Results profile: the device observer, the source image, and
/// one measurement group with the algorithm (TID 4019: name, version = the model version string, parameters = the
/// threshold), a qualitative evaluation of tuberculosis (SNOMED CT 56717001, present or absent at the deciding
/// threshold), the ensemble and member probabilities as NUM items, the review flag and its reason, and the
/// "research use only" statement. Same study and patient as the source, in a new series. UNVERIFIED until a
/// radiologist confirms it; a reviewed result is sent again as a new VERIFIED SR.
/// </summary>
public static class ResultReport
{
    public const string ComprehensiveSrClassUid = "1.2.840.10008.5.1.4.1.1.88.33";
    public const string ResearchUseStatement = "Research use only, not a medical device. Not for diagnostic use.";

    /// <param name="source">The screened radiograph's dataset (its patient, study and identifiers).</param>
    /// <param name="outcome">A successful outcome (status ok) of that radiograph.</param>
    public static DicomDataset Build(DicomDataset source, ScreeningOutcome outcome, ReportVerification? verification = null, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status != ScreeningStatus.Ok || outcome.EnsembleProbability is not double probability || outcome.DecidedBy is null)
        {
            throw new ArgumentException($"only a screened result becomes a report (status {outcome.Status.ToCode()})", nameof(outcome));
        }

        string sourceClass = ValueRepair.Clean("UI", source.GetString(SrTags.SopClassUid))
            ?? throw new ArgumentException("the source has no valid SOP Class UID", nameof(source));
        string sourceInstance = ValueRepair.Clean("UI", source.GetString(SrTags.SopInstanceUid))
            ?? throw new ArgumentException("the source has no valid SOP Instance UID", nameof(source));
        var moment = (now ?? DateTimeOffset.UtcNow).ToUniversalTime();
        var report = new DicomDataset(textEncoding: Encoding.UTF8);
        report.AddString(SrTags.SpecificCharacterSet, "CS", "ISO_IR 192");
        report.AddString(SrTags.SopClassUid, "UI", ComprehensiveSrClassUid);
        report.AddString(SrTags.SopInstanceUid, "UI", UidGenerator.New());
        report.AddString(SrTags.InstanceCreationDate, "DA", Date(moment));
        report.AddString(SrTags.InstanceCreationTime, "TM", Time(moment));

        // Our private coding scheme, identified as PS3.3 C.12.1 asks of a scheme not in PS3.16's table.
        report.AddSequence(SrTags.CodingSchemeIdentificationSequence, new DicomDataset()
            .AddString(SrTags.CodingSchemeDesignator, "SH", Codes.Private)
            .AddString(SrTags.CodingSchemeName, "ST", "TbScreen result codes")
            .AddString(SrTags.CodingSchemeResponsibleOrganization, "ST", "TbScreen project"));
        string studyUid = SourceModules.CopyPatientAndStudy(source, report);
        // SR Document Series, General Equipment.
        report.AddString(SrTags.Modality, "CS", "SR");
        report.AddString(SrTags.SeriesInstanceUid, "UI", UidGenerator.New());
        report.AddString(SrTags.SeriesNumber, "IS", "9901");
        report.AddString(SrTags.SeriesDescription, "LO", "TbScreen TB screening result (research use only)");
        report.AddSequence(SrTags.ReferencedPerformedProcedureStepSequence);
        report.AddString(SrTags.Manufacturer, "LO", "TbScreen");
        report.AddString(SrTags.ManufacturerModelName, "LO", "TbScreen ensemble");
        report.AddString(SrTags.SoftwareVersions, "LO", Fit(outcome.ModelVersion, 64));

        // SR Document General.
        report.AddString(SrTags.InstanceNumber, "IS", "1");
        report.AddString(SrTags.CompletionFlag, "CS", "COMPLETE");
        report.AddString(SrTags.VerificationFlag, "CS", verification is null ? "UNVERIFIED" : "VERIFIED");
        report.AddString(SrTags.ContentDate, "DA", Date(moment));
        report.AddString(SrTags.ContentTime, "TM", Time(moment));
        if (verification is not null)
        {
            report.AddSequence(SrTags.VerifyingObserverSequence, new DicomDataset(textEncoding: Encoding.UTF8)
                .AddString(SrTags.VerifyingObserverName, "PN", ValueRepair.Clean("PN", verification.ObserverName) ?? "UNKNOWN")
                .AddSequence(SrTags.VerifyingObserverIdentificationCodeSequence)
                .AddString(SrTags.VerifyingOrganization, "LO", ValueRepair.Clean("LO", verification.Organization) ?? "UNKNOWN")
                .AddString(SrTags.VerificationDateTime, "DT", verification.At.ToUniversalTime().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "+0000"));
        }

        report.AddSequence(SrTags.PerformedProcedureCodeSequence);
        string sourceSeries = ValueRepair.Clean("UI", source.GetString(SrTags.SeriesInstanceUid)) ?? UidGenerator.New();
        report.AddSequence(SrTags.CurrentRequestedProcedureEvidenceSequence, new DicomDataset()
            .AddString(SrTags.StudyInstanceUid, "UI", studyUid)
            .AddSequence(SrTags.ReferencedSeriesSequence, new DicomDataset()
                .AddString(SrTags.SeriesInstanceUid, "UI", sourceSeries)
                .AddSequence(SrTags.ReferencedSopSequence, new DicomDataset()
                    .AddString(SrTags.ReferencedSopClassUid, "UI", sourceClass)
                    .AddString(SrTags.ReferencedSopInstanceUid, "UI", sourceInstance))));

        // SR Document Content: the root container and its tree.
        report.AddString(SrTags.ValueType, "CS", "CONTAINER");
        report.AddSequence(SrTags.ConceptNameCodeSequence, SrContent.CodeItem(Codes.ImagingMeasurementReport));
        report.AddString(SrTags.ContinuityOfContent, "CS", "SEPARATE");
        report.AddSequence(SrTags.ContentTemplateSequence, new DicomDataset()
            .AddString(SrTags.MappingResource, "CS", "DCMR")
            .AddString(SrTags.TemplateIdentifier, "CS", "1500"));
        report.AddSequence(SrTags.ContentSequence, [.. Tree(outcome, probability, sourceClass, sourceInstance, verification)]);
        return report;
    }

    /// <summary>The report as a Part 10 file in Explicit VR Little Endian.</summary>
    public static byte[] Write(DicomDataset report) => DicomWriter.Write(report, TransferSyntax.ExplicitVrLittleEndianUid);

    private static IEnumerable<DicomDataset> Tree(ScreeningOutcome outcome, double probability, string sourceClass, string sourceInstance, ReportVerification? verification)
    {
        yield return SrContent.CodeValue("HAS CONCEPT MOD", Codes.LanguageOfContent, Codes.EnglishUs);
        yield return SrContent.CodeValue("HAS OBS CONTEXT", Codes.ObserverType, Codes.Device);
        yield return SrContent.UidRef("HAS OBS CONTEXT", Codes.DeviceObserverUid, UidGenerator.FromName("tbscreen-device:" + outcome.ModelVersion));
        yield return SrContent.Text("HAS OBS CONTEXT", Codes.DeviceObserverName, "TbScreen");
        yield return SrContent.Text("HAS OBS CONTEXT", Codes.DeviceObserverManufacturer, "TbScreen (open source)");
        yield return SrContent.CodeValue("HAS CONCEPT MOD", Codes.ProcedureReported, Codes.ChestXray);
        yield return SrContent.Container("CONTAINS", Codes.ImageLibrary,
            SrContent.Container("CONTAINS", Codes.ImageLibraryGroup,
                SrContent.Image("CONTAINS", null, sourceClass, sourceInstance)));

        var decided = outcome.DecidedBy!;
        var group = new List<DicomDataset>
        {
            SrContent.Text("HAS OBS CONTEXT", Codes.TrackingIdentifier, "TB screening"),
            SrContent.UidRef("HAS OBS CONTEXT", Codes.TrackingUniqueIdentifier, UidGenerator.New()),
            SrContent.Text("HAS CONCEPT MOD", Codes.AlgorithmName, "TbScreen AlexNet + GoogLeNet ensemble"),
            SrContent.Text("HAS CONCEPT MOD", Codes.AlgorithmVersion, Fit(outcome.ModelVersion, 64)),
            SrContent.Text("HAS CONCEPT MOD", Codes.AlgorithmParameters,
                string.Create(CultureInfo.InvariantCulture, $"threshold={decided.Threshold:0.######} ({decided.Label})")),
            SrContent.Image("CONTAINS", Codes.SourceOfMeasurement, sourceClass, sourceInstance),
            SrContent.CodeValue("CONTAINS", Codes.Tuberculosis, outcome.Decision == DecisionText.Tb ? Codes.Present : Codes.Absent),
            SrContent.Num("CONTAINS", Codes.EnsembleProbability, probability, Codes.NoUnits),
        };
        foreach (var (member, p) in Members(outcome))
        {
            group.Add(SrContent.Num("CONTAINS", Codes.MemberProbability(member), p, Codes.NoUnits));
        }

        string flag = outcome.Flag is null or DecisionText.NoFlag ? "none" : $"{outcome.Flag}: {outcome.FlagReason}";
        group.Add(SrContent.Text("CONTAINS", Codes.ReviewFlag, flag));
        if (verification?.FinalRead is { } read)
        {
            group.Add(SrContent.Text("CONTAINS", Codes.RadiologistRead, read));
        }

        group.Add(SrContent.Text("CONTAINS", Codes.Comment, ResearchUseStatement));
        yield return SrContent.Container("CONTAINS", Codes.ImagingMeasurements, SrContent.Container("CONTAINS", Codes.MeasurementGroup, [.. group]));
    }

    private static IEnumerable<(string Member, double Probability)> Members(ScreeningOutcome outcome)
    {
        if (outcome.MemberProbabilities is { Count: > 0 } members)
        {
            return members.Select(m => (m.Key, m.Value));
        }

        var named = new List<(string, double)>();
        if (outcome.AlexNetProbability is double a)
        {
            named.Add(("alexnet", a));
        }

        if (outcome.GoogLeNetProbability is double g)
        {
            named.Add(("googlenet", g));
        }

        return named;
    }

    private static string Fit(string text, int max) => text.Length <= max ? text : text[..max];

    private static string Date(DateTimeOffset at) => at.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset at) => at.ToString("HHmmss", CultureInfo.InvariantCulture);
}
