using System.Globalization;
using TbScreen.Imaging;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Components.Models;

namespace TbScreen.Web.Viewing;

/// <summary>Stored results → the component library's view models (de-identified attributes only).</summary>
public static class ResultViews
{
    public static ResultView ToView(StoredOutcome stored, double? threshold)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var o = stored.Outcome;
        // Rows written before member maps existed carry the two named columns only.
        double? member(string name) => o.MemberProbabilities is { } members && members.TryGetValue(name, out double p)
            ? p
            : name == "alexnet" ? o.AlexNetProbability : o.GoogLeNetProbability;
        return new ResultView
        {
            Id = stored.ResultId.ToString(CultureInfo.InvariantCulture),
            FileName = Path.GetFileName(o.Source),
            Status = o.Status.ToCode(),
            Error = o.Error,
            AlexNet = member("alexnet"),
            GoogLeNet = member("googlenet"),
            OtherMembers = o.OtherMemberProbabilities(),
            Ensemble = o.EnsembleProbability,
            // The threshold that decided this result (its site profile's, or the shipped one at the time).
            Threshold = o.DecidedBy?.Threshold ?? threshold,
            Decision = o.Decision,
            FlagReasons = ResultView.ParseFlag(o.Flag),
            FlagDetail = o.FlagReason,
            Metadata = [.. o.Metadata is { } m ? Metadata(m) : [], .. DecidedBy(o)],
            ModelVersion = o.ModelVersion,
            ScreenedAt = new DateTimeOffset(DateTime.SpecifyKind(stored.CreatedAt, DateTimeKind.Utc)),
        };
    }

    /// <summary>Which site profile decided, shown beside the metadata ("North v2, matched by station: XR-2").</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> DecidedBy(ScreeningOutcome o) =>
        o.DecidedBy is { } d ? [new("Decided by", d.MatchedBy is { } how ? $"{d.Label}, matched by {how}" : d.Label)] : [];

    /// <summary>
    /// Never the patient's name, ID or birth date (the pipeline drops them before storing); the keyed pseudonym of the
    /// ID is shortened to 12 hex digits, enough to tell patients apart on screen.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Metadata(RadiographMetadata m)
    {
        var list = new List<KeyValuePair<string, string>>();
        void add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                list.Add(new(name, value));
            }
        }

        add("Patient pseudonym", m.PatientPseudonym is { Length: > 12 } p ? p[..12] : m.PatientPseudonym);
        add("Sex", m.PatientSex);
        add("Age", m.PatientAge);
        add("Modality", m.Modality);
        add("Body part", m.BodyPartExamined);
        add("View", m.ViewPosition);
        add("Manufacturer", m.Manufacturer);
        add("Model", m.ManufacturerModelName);
        add("Institution", m.InstitutionName);
        add("Station", m.StationName);
        return list;
    }
}
