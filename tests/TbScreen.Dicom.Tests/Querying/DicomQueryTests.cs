using TbScreen.Dicom.Querying;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Tests.Querying;

/// <summary>QIDO-RS matching (PS3.4 C.2.2.2 as PS3.18 10.6.1 uses it) at each level, against datasets with known attributes.</summary>
public sealed class DicomQueryTests
{
    private static readonly DicomDataset Study = new DicomDataset()
        .AddString(DicomTag.StudyInstanceUid, "UI", "1.2.3.4")
        .AddString(DicomTag.PatientId, "LO", "PAT-0042")
        .AddString(DicomTag.PatientName, "PN", "Doe^Jane^M")
        .AddString(0x00080050, "SH", "ACC9")
        .AddString(0x00080020, "DA", "20261203")
        .AddString(0x00080030, "TM", "101530.25");

    [Theory]
    [InlineData("PatientID=PAT-0042", true)]
    [InlineData("PatientID=PAT-004", false)]
    [InlineData("PatientID=PAT-00*", true)]
    [InlineData("PatientID=PAT-004?", true)]
    [InlineData("PatientID=pat-0042", false)] // LO matches case-sensitively
    [InlineData("PatientName=doe^jane*", true)] // PN does not
    [InlineData("PatientName=Doe*", true)]
    [InlineData("PatientName=*Jane*", true)]
    [InlineData("PatientName=Roe*", false)]
    [InlineData("00100020=PAT-0042", true)] // a key named by its tag
    [InlineData("StudyInstanceUID=1.2.3.4", true)]
    [InlineData("StudyInstanceUID=9.9,1.2.3.4", true)] // a list of UIDs
    [InlineData("StudyInstanceUID=1.2.3", false)]
    [InlineData("StudyDate=20261203", true)]
    [InlineData("StudyDate=20261201-20261203", true)]
    [InlineData("StudyDate=20261204-", false)]
    [InlineData("StudyDate=-20261203", true)]
    [InlineData("StudyTime=10-10", true)] // 10:15 lies in the hour 10
    [InlineData("StudyTime=1016-", false)]
    [InlineData("AccessionNumber=ACC9&StudyDate=20261203", true)] // every key must match
    [InlineData("AccessionNumber=ACC9&StudyDate=20261202", false)]
    [InlineData("AccessionNumber=", true)] // universal
    [InlineData("StudyID=1", false)] // absent: only a universal key matches
    [InlineData("ModalitiesInStudy=SR", true)]
    [InlineData("ModalitiesInStudy=CT", false)]
    public void Keys_match_by_their_rules(string query, bool matches)
    {
        Assert.Equal(matches, Parse(query).Matches(Study, ["OT", "SR"]));
    }

    [Fact]
    public void Malformed_values_name_their_key_and_unknown_keys_are_listed_not_refused()
    {
        Assert.Equal("StudyDate: '2026-13-01' is not a date (YYYYMMDD) or a range of them", Assert.Throws<FormatException>(() => Parse("StudyDate=2026-13-01")).Message);
        Assert.Equal("StudyDate: '20261340' is not a date (YYYYMMDD)", Assert.Throws<FormatException>(() => Parse("StudyDate=20261340")).Message);
        Assert.Equal("StudyDate: '2026*' is not a date (YYYYMMDD)", Assert.Throws<FormatException>(() => Parse("StudyDate=2026*")).Message); // no wildcards on dates
        Assert.Equal("limit: '0' is not a whole number of at least 1", Assert.Throws<FormatException>(() => Parse("limit=0")).Message);
        Assert.Equal("offset: '-1' is not a whole number of at least 0", Assert.Throws<FormatException>(() => Parse("offset=-1")).Message);

        var query = Parse("PatientSex=F&includefield=all&fuzzymatching=false&PatientID=PAT-0042");
        Assert.Equal(["PatientSex"], query.Unsupported);
        Assert.True(query.Matches(Study, []));
    }

    [Fact]
    public void Limit_and_offset_select_a_page_and_one_named_study_is_singled_out()
    {
        var query = Parse("limit=2&offset=1&StudyInstanceUID=1.2.3.4");
        Assert.Equal([2, 3], query.Page([1, 2, 3, 4]));
        Assert.Equal("1.2.3.4", query.SingleStudy);
        Assert.Null(Parse("StudyInstanceUID=1.2,1.3").SingleStudy);
        Assert.Equal([3, 4], Parse("offset=2").Page([1, 2, 3, 4]));
    }

    /// <summary>A C-FIND identifier: its non-empty supported keys match (a UID list as several values); empty ones are return keys only.</summary>
    [Fact]
    public void A_C_FIND_identifier_matches_by_its_non_empty_keys()
    {
        var identifier = new DicomDataset()
            .AddString(0x00080052, "CS", "STUDY")
            .AddString(DicomTag.PatientId, "LO", "PAT-00*")
            .AddString(DicomTag.StudyInstanceUid, "UI", "9.9\\1.2.3.4")
            .AddString(DicomTag.PatientName, "PN", "")
            .AddString(0x00100030, "DA", "19800101"); // Patient's Birth Date: no matching key here, a return key only

        var query = DicomQuery.FromIdentifier(identifier);

        Assert.Equal([DicomTag.PatientId, DicomTag.StudyInstanceUid], query.Matchers.Select(m => m.Tag).Order());
        Assert.True(query.Matches(Study, []));
        Assert.False(DicomQuery.FromIdentifier(identifier.AddString(DicomTag.PatientId, "LO", "OTHER")).Matches(Study, []));
    }

    /// <summary>Patient Root's PATIENT level matches the patient module only: birth date and sex become keys, study keys do not.</summary>
    [Fact]
    public void A_patient_level_identifier_matches_the_patient_keys_only()
    {
        var identifier = new DicomDataset()
            .AddString(DicomTag.PatientId, "LO", "PAT-00*")
            .AddString(0x00100030, "DA", "19700101-19851231")
            .AddString(0x00100040, "CS", "F")
            .AddString(DicomTag.StudyInstanceUid, "UI", "9.9.9"); // not a patient key: ignored at this level
        var patient = new DicomDataset().AddString(DicomTag.PatientId, "LO", "PAT-0042").AddString(0x00100030, "DA", "19800101").AddString(0x00100040, "CS", "F");

        var query = DicomQuery.FromIdentifier(identifier, QueryLevel.Patient);

        Assert.Equal([DicomTag.PatientId, 0x00100030u, 0x00100040u], query.Matchers.Select(m => m.Tag).Order());
        Assert.True(query.Matches(patient, []));
        Assert.False(query.Matches(new DicomDataset().AddString(DicomTag.PatientId, "LO", "PAT-0042").AddString(0x00100030, "DA", "19900101").AddString(0x00100040, "CS", "F"), []));
    }

    private static readonly DicomDataset Instance = new DicomDataset()
        .AddString(DicomTag.StudyInstanceUid, "UI", "1.2.3.4")
        .AddString(DicomTag.PatientId, "LO", "PAT-0042")
        .AddString(DicomTag.SeriesInstanceUid, "UI", "1.2.3.4.5")
        .AddString(DicomTag.Modality, "CS", "SR")
        .AddString(0x00200011, "IS", " 07")
        .AddString(0x0008103E, "LO", "TB screening result")
        .AddString(DicomTag.SopClassUid, "UI", "1.2.840.10008.5.1.4.1.1.88.33")
        .AddString(DicomTag.SopInstanceUid, "UI", "1.2.3.4.5.6")
        .AddString(0x00200013, "IS", "1");

    [Theory]
    [InlineData(QueryLevel.Series, "Modality=SR", true)]
    [InlineData(QueryLevel.Series, "Modality=OT", false)]
    [InlineData(QueryLevel.Series, "SeriesNumber=7", true)] // integer strings match by value
    [InlineData(QueryLevel.Series, "SeriesNumber=70", false)]
    [InlineData(QueryLevel.Series, "SeriesDescription=TB*", true)]
    [InlineData(QueryLevel.Series, "SeriesInstanceUID=1.2.3.4.5", true)]
    [InlineData(QueryLevel.Series, "PatientID=PAT-0042&Modality=SR", true)] // a series search takes the study keys too
    [InlineData(QueryLevel.Series, "PatientID=OTHER&Modality=SR", false)]
    [InlineData(QueryLevel.Instance, "SOPClassUID=1.2.840.10008.5.1.4.1.1.88.33", true)]
    [InlineData(QueryLevel.Instance, "SOPInstanceUID=1.2.3.4.5.7", false)]
    [InlineData(QueryLevel.Instance, "InstanceNumber=1&Modality=SR&StudyInstanceUID=1.2.3.4", true)]
    [InlineData(QueryLevel.Instance, "InstanceNumber=2", false)]
    public void Series_and_instance_keys_match_at_their_levels(QueryLevel level, string query, bool matches)
    {
        var parsed = Parse(query, level);

        Assert.Empty(parsed.Unsupported);
        Assert.Equal(matches, parsed.Matches(Instance, ["SR"]));
    }

    [Fact]
    public void Lower_level_keys_are_unsupported_at_the_study_level_and_integers_must_be_integers()
    {
        Assert.Equal(["Modality", "SOPInstanceUID"], Parse("Modality=SR&SOPInstanceUID=1.2").Unsupported);
        Assert.Equal(["SOPInstanceUID"], Parse("Modality=SR&SOPInstanceUID=1.2", QueryLevel.Series).Unsupported);
        Assert.Equal("SeriesNumber: 'two' is not a whole number", Assert.Throws<FormatException>(() => Parse("SeriesNumber=two", QueryLevel.Series)).Message);
    }

    private static DicomQuery Parse(string query, QueryLevel level = QueryLevel.Study) => DicomQuery.Parse(query.Split('&').Select(p =>
    {
        int equals = p.IndexOf('=', StringComparison.Ordinal);
        return KeyValuePair.Create(p[..equals], p[(equals + 1)..]);
    }), level);
}
