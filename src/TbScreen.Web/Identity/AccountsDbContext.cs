using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace TbScreen.Web.Identity;

/// <summary>
/// The Identity tables (AspNetUsers, AspNetRoles, ...), in the same database as the screening store but with their
/// own migration history table, so the two schemas migrate independently. Like the screening store it has one
/// flavour per provider, each with its own migration set (Identity/Migrations/Sqlite and .../Postgres).
/// </summary>
public abstract class AccountsDbContext(DbContextOptions options) : IdentityDbContext<TbScreenUser>(options)
{
    public const string MigrationsHistoryTable = "__AccountsMigrationsHistory";
}

public sealed class SqliteAccountsDbContext(DbContextOptions<SqliteAccountsDbContext> options) : AccountsDbContext(options);

public sealed class PostgresAccountsDbContext(DbContextOptions<PostgresAccountsDbContext> options) : AccountsDbContext(options);
