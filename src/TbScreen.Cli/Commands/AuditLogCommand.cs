using System.CommandLine;
using TbScreen.Screening.Persistence;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen audit-log verify --db CONNECTION`: recomputes the audit trail's hash chain and reports the first broken
/// link (exit 1), or that every sealed row holds (exit 0). It seals nothing itself, so it can run on a copy.
/// </summary>
public static class AuditLogCommand
{
    public const int ChainBroken = 1;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("audit-log", "Check the audit trail (docs/security.md).");
        var db = new Option<string>("--db") { Description = "Database: a SQLite path or a PostgreSQL connection string.", DefaultValueFactory = _ => "tbscreen.db" };
        var verify = new Command("verify", "Recompute the audit trail's hash chain and report the first broken link.") { db };
        verify.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string connection = result.GetValue(db)!;
            var options = new PersistenceOptions { ConnectionString = connection, MigrateOnStartup = false };
            if (options.ResolveProvider() == DatabaseProvider.Sqlite && !File.Exists(SqlitePath(options.ResolveConnectionString())))
            {
                throw new UsageException($"{connection}: no such database");
            }

            using var ctx = new ScreeningDbContextFactory(options).CreateDbContext();
            var report = AuditChain.VerifyAsync(ctx).GetAwaiter().GetResult();
            if (report.FirstBreak is { } broken)
            {
                stdout.WriteLine($"audit chain BROKEN at row {broken.Id} (place {broken.Sequence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}): {broken.Reason}; {report.Sealed} rows before it hold");
                return ChainBroken;
            }

            stdout.WriteLine($"audit chain intact: {report.Sealed} sealed rows" + (report.Unsealed > 0 ? $", {report.Unsealed} not yet sealed" : ""));
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(verify);
        return command;
    }

    private static string SqlitePath(string connectionString) =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
}
