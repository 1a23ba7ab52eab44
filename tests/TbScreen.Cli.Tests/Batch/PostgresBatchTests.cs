using TbScreen.Inference.Tests.TestModels;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Cli.Tests.Batch;

/// <summary>`--db` with a PostgreSQL connection string: the same job, rows and resume as on SQLite. Skips without the server binaries.</summary>
public sealed class PostgresBatchTests
{
    [SkippableFact]
    public void A_batch_job_in_postgresql_is_found_again_and_not_screened_twice()
    {
        using var server = new PostgresServer();
        Skip.If(server.SkipReason is not null, server.SkipReason);
        string models = TestBundles.WriteEnsemble();
        var (folder, expected) = BatchFolder.Mixed();
        string output = Path.Combine(BatchFolder.Create(), "results.csv");
        string[] args = ["screen", folder, "-r", "--out", output, "--db", server.ConnectionString, "--models", models];

        var (first, _, firstErr) = CliRunner.Run(args);
        var (second, _, secondErr) = CliRunner.Run(args);

        Assert.Equal((1, 1), (first, second));
        Assert.Contains($"{expected.Length} screened now, 0 from job", firstErr);
        Assert.Contains($"0 screened now, {expected.Length} from job", secondErr);
        Assert.Equal(expected.Select(e => e.Status), CsvTable.Records(output).Select(r => r["status"]));
    }
}
