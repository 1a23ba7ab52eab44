using System.CommandLine;
using TbScreen.Broker;
using TbScreen.Cli.Batch;
using TbScreen.Screening.Persistence;

namespace TbScreen.Cli;

/// <summary>
/// `--broker [URI]` and the job database of distributed runs. The URI may come from the environment
/// (TBSCREEN_BROKER, and TBSCREEN_DB for the database), so passwords need not appear on a command line that
/// `ps` shows; whatever is printed has its password replaced by ***.
/// </summary>
internal static class BrokerCliOptions
{
    public const string BrokerVariable = "TBSCREEN_BROKER";
    public const string DatabaseVariable = "TBSCREEN_DB";

    public static Option<string?> CreateBroker(string description) => new("--broker")
    {
        Description = description + $" Without a value: ${BrokerVariable}.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>The broker URI: the option's value, else the environment when the option was given bare; null when not asked for.</summary>
    public static string? Broker(ParseResult result, Option<string?> option, bool required)
    {
        bool given = result.GetResult(option) is not null;
        string? value = result.GetValue(option);
        if (string.IsNullOrWhiteSpace(value) && (given || required))
        {
            value = Environment.GetEnvironmentVariable(BrokerVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new UsageException($"--broker needs an AMQP URI (amqp://user:password@host:5672/vhost), given as its value or in ${BrokerVariable}.");
            }
        }

        if (value is not null)
        {
            try
            {
                BrokerUri.Parse(value);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--broker: {e.Message}");
            }
        }

        return value;
    }

    /// <summary>
    /// The job database of a distributed run: must be PostgreSQL, because workers on other machines write their
    /// results to it; a SQLite file cannot be shared between machines.
    /// </summary>
    public static string PostgresDatabase(string? given)
    {
        string? database = string.IsNullOrWhiteSpace(given) ? Environment.GetEnvironmentVariable(DatabaseVariable) : given;
        if (string.IsNullOrWhiteSpace(database))
        {
            throw new UsageException($"--broker needs --db with a PostgreSQL connection string (Host=...;Database=...) or ${DatabaseVariable}: workers on other machines write their results there.");
        }

        if (new PersistenceOptions { ConnectionString = database }.ResolveProvider() != DatabaseProvider.PostgreSql)
        {
            throw new UsageException($"--db {BatchScreening.Redacted(database)} is SQLite; with --broker the job database must be PostgreSQL (Host=...;Database=...), because workers on other machines write their results to it and a SQLite file cannot be shared between machines.");
        }

        return database;
    }
}

/// <summary>A usage error found after parsing: one stderr line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
