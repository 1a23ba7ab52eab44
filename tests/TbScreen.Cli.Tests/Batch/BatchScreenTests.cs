using System.Globalization;
using System.Text.Json;
using TbScreen.Inference.Tests.TestModels;
using TbScreen.Screening.Persistence;

namespace TbScreen.Cli.Tests.Batch;

/// <summary>`tbscreen screen FOLDER --out ...` in process, on tiny test models (fast): rows, codes, formats, reruns.</summary>
public sealed class BatchScreenTests
{
    private const string Header = "path,sopInstanceUid,status,error,alexnetProb,googlenetProb,ensembleProb,decision,flag,flagReason,modelVersion,seconds,decidedBy,threshold,otherMembers";

    [Fact]
    public void A_mixed_folder_gets_one_csv_row_per_file_with_its_code_in_walk_order_and_exit_1()
    {
        string models = TestBundles.WriteEnsemble();
        var (folder, expected) = BatchFolder.Mixed();
        string output = Path.Combine(BatchFolder.Create(), "results.csv");

        var (code, stdout, stderr) = CliRunner.Run("screen", folder, "--recursive", "--out", output, "--jobs", "2", "--models", models);

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.StartsWith(Header + "\r\n", File.ReadAllText(output));
        var rows = CsvTable.Records(output);
        Assert.Equal(expected.Select(e => Path.Combine(folder, e.Name)), rows.Select(r => r["path"]));
        Assert.Equal(expected.Select(e => e.Status), rows.Select(r => r["status"]));
        foreach (var row in rows)
        {
            bool ok = row["status"] == "ok";
            Assert.Equal(ok, row["error"].Length == 0);
            Assert.Equal(ok, double.TryParse(row["ensembleProb"], CultureInfo.InvariantCulture, out _));
            Assert.Equal(ok, row["decision"] is "tb" or "not-tb");
            Assert.Equal("alexnet@0.0.1-test+googlenet@0.0.1-test", row["modelVersion"]);
            Assert.True(double.Parse(row["seconds"], CultureInfo.InvariantCulture) >= 0);
        }

        // DICOM rows carry their SOP Instance UID, even when rejected; the PNG has none.
        Assert.Equal("1.2.826.0.1.3680043.10.1386.11.3", rows.Single(r => r["path"].EndsWith("good1.dcm", StringComparison.Ordinal))["sopInstanceUid"]);
        Assert.NotEmpty(rows.Single(r => r["path"].EndsWith("ct.dcm", StringComparison.Ordinal))["sopInstanceUid"]);
        Assert.Contains("modality CT", rows.Single(r => r["path"].EndsWith("ct.dcm", StringComparison.Ordinal))["error"]);
        Assert.Empty(rows.Single(r => r["path"].EndsWith("image.png", StringComparison.Ordinal))["sopInstanceUid"]);
        Assert.Contains($"{rows.Count} rows, 7 not ok", stderr);
    }

    [Fact]
    public void Json_output_is_a_valid_array_with_the_same_keys_and_values_as_the_csv()
    {
        string models = TestBundles.WriteEnsemble();
        var (folder, expected) = BatchFolder.Mixed();
        string outDir = BatchFolder.Create();
        string csv = Path.Combine(outDir, "results.csv");
        string json = Path.Combine(outDir, "results.json");

        Assert.Equal(1, CliRunner.Run("screen", folder, "-r", "--out", csv, "--models", models).ExitCode);
        // Same inputs and models: the JSON run finds the job in tbscreen.db beside the outputs and screens nothing.
        var (code, _, stderr) = CliRunner.Run("screen", folder, "-r", "--out", json, "--models", models);

        Assert.Equal(1, code);
        Assert.Contains($"0 screened now, {expected.Length} from job", stderr);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var objects = document.RootElement.EnumerateArray().ToList();
        var rows = CsvTable.Records(csv);
        Assert.Equal(rows.Count, objects.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(Header.Split(','), objects[i].EnumerateObject().Select(p => p.Name));
            foreach (var (key, text) in rows[i])
            {
                var value = objects[i].GetProperty(key);
                string asText = value.ValueKind switch
                {
                    JsonValueKind.Null => "",
                    JsonValueKind.Number => value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                    // otherMembers: an object by member name in JSON, "name=p;name=p" in CSV.
                    JsonValueKind.Object => string.Join(';', value.EnumerateObject().Select(p => p.Name + "=" + p.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture))),
                    _ => value.GetString()!,
                };
                Assert.Equal(text, asText);
            }
        }
    }

    [Fact]
    public void Without_recursive_subfolders_are_left_out_and_hidden_files_are_always_skipped()
    {
        string models = TestBundles.WriteEnsemble();
        var (folder, expected) = BatchFolder.Mixed();
        string output = Path.Combine(BatchFolder.Create(), "results.csv");

        CliRunner.Run("screen", folder, "--out", output, "--models", models);

        var paths = CsvTable.Records(output).Select(r => r["path"]).ToList();
        Assert.Equal(expected.Length - 1, paths.Count);
        Assert.DoesNotContain(paths, p => p.Contains("sub", StringComparison.Ordinal) || p.Contains(".hidden", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_named_twice_or_through_a_link_gets_one_row_and_a_link_loop_ends()
    {
        string models = TestBundles.WriteEnsemble();
        string folder = BatchFolder.Create();
        BatchFolder.Write(folder, "a.dcm", BatchFolder.Dicom(21));
        Directory.CreateSymbolicLink(Path.Combine(folder, "loop"), folder);
        File.CreateSymbolicLink(Path.Combine(folder, "b.dcm"), Path.Combine(folder, "a.dcm"));
        string output = Path.Combine(BatchFolder.Create(), "results.csv");

        var (code, _, stderr) = CliRunner.Run("screen", folder, Path.Combine(folder, "a.dcm"), "-r", "--out", output, "--models", models);

        Assert.True(code == 0, stderr);
        Assert.Equal([Path.Combine(folder, "a.dcm")], CsvTable.Records(output).Select(r => r["path"]));
    }

    [Fact]
    public void Missing_paths_get_a_row_and_all_good_files_exit_0()
    {
        string models = TestBundles.WriteEnsemble();
        string folder = BatchFolder.Create();
        BatchFolder.Write(folder, "a.dcm", BatchFolder.Dicom(31));
        string output = Path.Combine(BatchFolder.Create(), "results.csv");

        Assert.Equal(0, CliRunner.Run("screen", folder, "--out", output, "--models", models).ExitCode);
        var (code, _, _) = CliRunner.Run("screen", folder, Path.Combine(folder, "missing.dcm"), "--out", output, "--models", models);

        Assert.Equal(1, code);
        var rows = CsvTable.Records(output);
        Assert.Equal(["ok", "unreadable-image"], rows.Select(r => r["status"]));
        Assert.Equal("file not found", rows[1]["error"]);
    }

    [Fact]
    public async Task A_file_that_killed_the_process_three_times_is_reported_as_processing_failed_not_tried_again()
    {
        string models = TestBundles.WriteEnsemble();
        string folder = BatchFolder.Create();
        BatchFolder.Write(folder, "a.dcm", BatchFolder.Dicom(41));
        BatchFolder.Write(folder, "crasher.dcm", BatchFolder.Dicom(42));
        string outDir = BatchFolder.Create();
        string db = Path.Combine(outDir, "jobs.db");
        // Three runs that died while screening crasher.dcm leave this behind: the item pending with three attempts.
        var store = new EfScreeningStore(new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = db }));
        await store.MigrateAsync();
        var job = await store.CreateJobAsync([folder], key: "crashes");
        string crasher = Path.Combine(folder, "crasher.dcm");
        await store.AddItemsAsync(job.Id, [crasher]);
        for (int i = 0; i < 3; i++)
        {
            await store.BeginItemAsync(job.Id, crasher);
        }

        var (code, _, _) = CliRunner.Run("screen", folder, "--out", Path.Combine(outDir, "results.csv"), "--db", db, "--job", "crashes", "--models", models);

        Assert.Equal(1, code);
        var rows = CsvTable.Records(Path.Combine(outDir, "results.csv"));
        Assert.Equal(["ok", "processing-failed"], rows.Select(r => r["status"]));
        Assert.Equal("the process ended while screening this file 3 times; not tried again", rows[1]["error"]);
    }

    [Theory]
    [InlineData("Host=db;Username=u;Password=secret;Database=t", "Host=db;Username=u;Password=***;Database=t")]
    [InlineData("postgres://u:secret@db/t", "postgres://u:***@db/t")]
    [InlineData("/data/jobs.db", "/data/jobs.db")]
    public void Printed_connection_strings_hide_passwords(string database, string printed) =>
        Assert.Equal(printed, TbScreen.Cli.Batch.BatchScreening.Redacted(database));

    [Theory]
    [InlineData("--out", "results.txt")]
    [InlineData("--jobs", "0")]
    [InlineData("--jobs", "x")]
    public void Bad_options_are_usage_errors(string option, string value)
    {
        var (code, _, stderr) = CliRunner.Run("screen", "x.dcm", option, value, "--models", TestBundles.WriteEnsemble());

        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("tbscreen: ", stderr);
    }

    [Fact]
    public void Plain_progress_lines_go_to_stderr_when_it_is_not_a_terminal()
    {
        string models = TestBundles.WriteEnsemble();
        var (folder, expected) = BatchFolder.Mixed();
        string output = Path.Combine(BatchFolder.Create(), "results.json");

        var (_, _, stderr) = CliRunner.Run("screen", folder, "-r", "--out", output, "--models", models);

        Assert.Contains($"screening {expected.Length} files", stderr);
        Assert.Matches($@"screened {expected.Length}/{expected.Length} \(\d+\.\d/s, eta \d\d:\d\d\), 7 failed", stderr);
    }
}
