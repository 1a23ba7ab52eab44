using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence.Entities;

namespace TbScreen.Screening.Persistence;

/// <summary>
/// The screening database. One model, two providers: <see cref="SqliteScreeningDbContext"/> and
/// <see cref="PostgresScreeningDbContext"/> derive from it only so that each has its own migration set (EF Core's
/// documented multi-provider pattern); code uses this base type.
/// </summary>
public abstract class ScreeningDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Study> Studies => Set<Study>();

    public DbSet<Image> Images => Set<Image>();

    public DbSet<ScreeningResult> Results => Set<ScreeningResult>();

    public DbSet<Review> Reviews => Set<Review>();

    public DbSet<BatchJob> Jobs => Set<BatchJob>();

    public DbSet<BatchJobItem> JobItems => Set<BatchJobItem>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<Site> Sites => Set<Site>();

    public DbSet<SiteProfileVersion> SiteProfiles => Set<SiteProfileVersion>();

    public DbSet<DicomDelivery> DicomDeliveries => Set<DicomDelivery>();

    public DbSet<ArchivePull> ArchivePulls => Set<ArchivePull>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Study>(e =>
        {
            e.ToTable("Studies");
            e.HasIndex(s => s.StudyInstanceUid).IsUnique();
        });

        modelBuilder.Entity<Image>(e =>
        {
            e.ToTable("Images");
            e.HasIndex(i => i.ImageKey).IsUnique();
            e.HasIndex(i => i.SopInstanceUid);
            e.HasIndex(i => i.ContentSha256);
            e.HasIndex(i => i.PatientPseudonym);
            e.HasOne(i => i.Study).WithMany(s => s.Images).HasForeignKey(i => i.StudyId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<ScreeningResult>(e =>
        {
            e.ToTable("ScreeningResults");
            // The dedupe guarantee: racing writers of the same image and models collide here, and the loser reads the winner.
            e.HasIndex(r => new { r.DedupeKey, r.ModelVersion }).IsUnique();
            e.HasIndex(r => r.ContentSha256);
            e.HasIndex(r => r.CreatedAt);
            e.HasIndex(r => r.SiteName);
            e.HasOne(r => r.Image).WithMany().HasForeignKey(r => r.ImageId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Review>(e =>
        {
            e.ToTable("Reviews");
            e.HasOne(r => r.Result).WithMany(r => r.Reviews).HasForeignKey(r => r.ResultId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<BatchJob>(e =>
        {
            e.ToTable("BatchJobs");
            e.HasIndex(j => j.Key).IsUnique();
        });

        modelBuilder.Entity<BatchJobItem>(e =>
        {
            e.ToTable("BatchJobItems");
            e.HasIndex(i => new { i.JobId, i.Path }).IsUnique();
            e.HasIndex(i => new { i.JobId, i.Status });
            e.HasOne(i => i.Job).WithMany(j => j.Items).HasForeignKey(i => i.JobId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(i => i.Result).WithMany().HasForeignKey(i => i.ResultId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<AuditEvent>(e =>
        {
            e.ToTable("AuditEvents");
            e.HasIndex(a => a.At);
            e.HasIndex(a => a.Sequence).IsUnique(); // two sealers racing for one place: the second one retries
        });

        modelBuilder.Entity<Site>(e =>
        {
            e.ToTable("Sites");
            e.HasIndex(s => s.Name).IsUnique();
        });

        modelBuilder.Entity<SiteProfileVersion>(e =>
        {
            e.ToTable("SiteProfiles");
            e.HasIndex(p => new { p.SiteId, p.Version }).IsUnique();
            e.HasOne(p => p.Site).WithMany(s => s.Profiles).HasForeignKey(p => p.SiteId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<DicomDelivery>(e =>
        {
            e.ToTable("DicomDeliveries");
            // The sender's query: what is due, oldest first.
            e.HasIndex(d => new { d.Status, d.NextAttemptAt });
            e.HasIndex(d => d.ResultId);
            e.HasIndex(d => d.SopInstanceUid).IsUnique();
            e.HasIndex(d => new { d.StudyInstanceUid, d.SeriesInstanceUid });
            // A Storage Commitment report finds the rows its transaction named.
            e.HasIndex(d => d.CommitmentTransactionUid);
            e.HasOne(d => d.Result).WithMany().HasForeignKey(d => d.ResultId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ArchivePull>(e =>
        {
            e.ToTable("ArchivePulls");
            // The start-up query: pulls that have not finished.
            e.HasIndex(p => p.FinishedAt);
        });
    }

    private bool _sealing;

    /// <summary>Saves, then seals any audit rows just added into the hash chain (in the caller's transaction, if any).</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        bool addsAudit = !_sealing && ChangeTracker.Entries<AuditEvent>().Any(e => e.State == EntityState.Added);
        int saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (addsAudit)
        {
            _sealing = true;
            try
            {
                await AuditChain.SealAsync(this, cancellationToken);
            }
            finally
            {
                _sealing = false;
            }
        }

        return saved;
    }

    /// <summary>The synchronous save is not used for audit rows; refuse it so no row escapes the chain.</summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (ChangeTracker.Entries<AuditEvent>().Any(e => e.State == EntityState.Added))
        {
            throw new InvalidOperationException("Audit rows are saved with SaveChangesAsync, which seals them into the hash chain.");
        }

        return base.SaveChanges(acceptAllChangesOnSuccess);
    }
}

/// <summary>The SQLite flavour (embedded default); migrations in Persistence/Migrations/Sqlite.</summary>
public sealed class SqliteScreeningDbContext(DbContextOptions<SqliteScreeningDbContext> options) : ScreeningDbContext(options);

/// <summary>The PostgreSQL flavour; migrations in Persistence/Migrations/Postgres.</summary>
public sealed class PostgresScreeningDbContext(DbContextOptions<PostgresScreeningDbContext> options) : ScreeningDbContext(options);
