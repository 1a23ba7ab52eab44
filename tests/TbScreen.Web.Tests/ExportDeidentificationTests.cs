using TbScreen.Web.Api.Contracts;
using TbScreen.Web.Jobs;

namespace TbScreen.Web.Tests;

/// <summary>Exports follow PS3.15's basic profile for what they hold (issue 17): no file names or server paths.</summary>
public sealed class ExportDeidentificationTests
{
    [Fact]
    public void Errors_lose_the_path_and_the_file_name_of_their_item()
    {
        Assert.Equal("item 2: the preamble is not followed by DICM; item 2 was skipped",
            JobResults.Deidentified("/srv/archive/DOE_JANE.dcm: the preamble is not followed by DICM; DOE_JANE.dcm was skipped", "/srv/archive/DOE_JANE.dcm", 2));
        Assert.Null(JobResults.Deidentified(null, "/a/b.dcm", 1));
    }

    [Fact]
    public void The_csv_opens_with_the_profile_notice_and_names_items_by_index_and_hash_only()
    {
        string sha = new('a', 64);
        string csv = JobResults.ToCsv([new JobResultRow(17, "DOE_JANE.dcm", "invalid-dicom", "item 3: broken", null, null, null, null, null, 3, sha)]);
        string[] lines = csv.TrimEnd().Split("\r\n");
        Assert.Equal(JobResults.ExportNotice, lines[0]);
        Assert.Equal("item,sha256,status,error,result_id,decision,ensemble_probability,flag,flag_reason", lines[1]);
        Assert.Equal($"3,{sha},invalid-dicom,item 3: broken,,,,,", lines[2]);
        Assert.DoesNotContain("DOE_JANE", csv, StringComparison.Ordinal);
    }
}
