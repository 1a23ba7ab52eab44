using TbScreen.Imaging;
using TbScreen.Screening.Storage;

namespace TbScreen.Screening;

/// <summary>
/// Turns Patient IDs into keyed pseudonyms (HMAC-SHA-256 under a key derived from the site's master key), so results
/// of one patient can be linked without the database ever holding the ID. <see cref="None"/> keeps no pseudonym.
/// </summary>
public sealed class PatientPseudonyms
{
    private const string Purpose = "patient-pseudonym";
    private readonly byte[]? _key;

    private PatientPseudonyms(byte[]? key) => _key = key;

    /// <summary>No key: outcomes carry no pseudonym and no patient linking happens (CLI batch runs).</summary>
    public static PatientPseudonyms None { get; } = new(null);

    /// <summary>Keyed under the master key file: every host that shares the key file computes the same pseudonyms.</summary>
    public static PatientPseudonyms Under(MasterKey master)
    {
        ArgumentNullException.ThrowIfNull(master);
        return new PatientPseudonyms(master.Derive(Purpose));
    }

    /// <summary>
    /// Keyed under the master key file the content store at <paramref name="storeRoot"/> uses (created, mode 0600,
    /// when there is none yet): the web host, the DICOM node and the workers that share a store agree on pseudonyms.
    /// Open the store first, so that an encrypted store whose key file is missing fails there instead of getting a new key.
    /// </summary>
    public static PatientPseudonyms ForStore(string storeRoot, string? keyFile = null) =>
        Under(MasterKey.LoadOrCreate(ContentStores.KeyFileFor(storeRoot, keyFile)));

    public string? Of(PatientIdentifier? patient) => _key is null ? null : patient?.KeyedPseudonym(_key);
}
