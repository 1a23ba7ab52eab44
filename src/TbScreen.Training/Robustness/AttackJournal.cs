using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TbScreen.Training.Robustness;

/// <summary>What the attacks produced for one batch at one eps: enough to rebuild the report without attacking it again.</summary>
public sealed record AttackBatchRecord(
    string Fingerprint,
    int EpsilonIndex,
    int BatchIndex,
    IReadOnlyList<bool> FgsmRobust,
    IReadOnlyList<bool> PgdRobust,
    IReadOnlyList<double> PgdWorstTbProbability,
    IReadOnlyDictionary<string, IReadOnlyList<double>> Lipschitz);

/// <summary>
/// An append-only record of finished attack batches (JSON lines), so a run that stops (crash, kill, reboot) resumes at
/// the first unfinished batch. Attacking the full test set takes hours on a CPU; without this, one failure near the end
/// loses all of it. Records from a different configuration (target, images, eps, steps, seed, batch size) are ignored,
/// and a torn last line (the process died mid-write) is skipped.
/// </summary>
public sealed class AttackJournal
{
    public const string FileName = "attacks.journal.jsonl";

    private readonly Dictionary<(int Epsilon, int Batch), AttackBatchRecord> _records = [];

    private AttackJournal(string? path, string fingerprint)
    {
        Path = path;
        Fingerprint = fingerprint;
    }

    /// <summary>The journal file; null for an in-memory journal (nothing is kept between runs).</summary>
    public string? Path { get; }

    public string Fingerprint { get; }

    public int ResumedBatches => _records.Count;

    /// <summary>A journal that keeps nothing: every batch is attacked.</summary>
    public static AttackJournal None(string fingerprint) => new(null, fingerprint);

    /// <summary>Opens (or starts) the journal at <paramref name="path"/>, keeping only records made with <paramref name="fingerprint"/>.</summary>
    public static AttackJournal Open(string path, string fingerprint)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        var journal = new AttackJournal(path, fingerprint);
        if (!File.Exists(path))
        {
            return journal;
        }

        foreach (string line in File.ReadLines(path))
        {
            AttackBatchRecord? record;
            try
            {
                record = JsonSerializer.Deserialize<AttackBatchRecord>(line);
            }
            catch (JsonException)
            {
                continue; // torn write of the batch that was running when the process stopped
            }

            if (record is not null && record.Fingerprint == fingerprint)
            {
                journal._records[(record.EpsilonIndex, record.BatchIndex)] = record;
            }
        }

        return journal;
    }

    /// <summary>
    /// A hash of everything that decides the attack results: a record made under another configuration must not be reused.
    /// </summary>
    public static string FingerprintOf(string target, IEnumerable<string> files, RobustnessOptions options, IEnumerable<string> outputs)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = new StringBuilder()
            .Append(target).Append('|')
            .AppendJoin(',', files).Append('|')
            .AppendJoin(',', options.Epsilons.Select(e => e.ToString("R", System.Globalization.CultureInfo.InvariantCulture))).Append('|')
            .Append(JsonSerializer.Serialize(options.Pgd)).Append('|')
            .Append(JsonSerializer.Serialize(options.Lipschitz)).Append('|')
            .AppendJoin(',', outputs).Append('|')
            .Append(options.Seed).Append('|').Append(options.BatchSize);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public bool TryGet(int epsilonIndex, int batchIndex, out AttackBatchRecord record) =>
        _records.TryGetValue((epsilonIndex, batchIndex), out record!);

    /// <summary>Keeps the record and, for a file journal, appends it and flushes before the next batch starts.</summary>
    public void Add(AttackBatchRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Fingerprint != Fingerprint)
        {
            throw new ArgumentException("record made under another configuration", nameof(record));
        }

        _records[(record.EpsilonIndex, record.BatchIndex)] = record;
        if (Path is not null)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            writer.WriteLine(JsonSerializer.Serialize(record));
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Removes the journal once its results are in the finished report.</summary>
    public void Complete()
    {
        if (Path is not null && File.Exists(Path))
        {
            File.Delete(Path);
        }
    }
}
