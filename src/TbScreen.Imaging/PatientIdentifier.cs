using System.Security.Cryptography;
using System.Text;

namespace TbScreen.Imaging;

/// <summary>
/// A Patient ID (0010,0020) with its issuer (0010,0021), held only until it is turned into a keyed pseudonym. It
/// never prints its value (records print their members into logs), and the only way to read it out is
/// <see cref="KeyedPseudonym"/>: HMAC-SHA-256 under a site secret, so the raw ID cannot leave through this type.
/// </summary>
public sealed record PatientIdentifier
{
    private readonly string _id;
    private readonly string _issuer;

    private PatientIdentifier(string id, string issuer)
    {
        _id = id;
        _issuer = issuer;
    }

    /// <summary>Null for a missing or blank ID. DICOM pads values with spaces, which are not part of the ID.</summary>
    public static PatientIdentifier? From(string? patientId, string? issuer = null) =>
        string.IsNullOrWhiteSpace(patientId) ? null : new PatientIdentifier(patientId.Trim(), issuer?.Trim() ?? "");

    /// <summary>
    /// Lower-case hex HMAC-SHA-256 over UTF-8 "issuer" 0x00 "id": the same patient (same ID from the same issuer)
    /// always maps to the same pseudonym under one key, and nobody without the key can recompute or reverse it.
    /// </summary>
    public string KeyedPseudonym(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new ArgumentException("A pseudonym key must have at least 256 bits.", nameof(key));
        }

        byte[] message = Encoding.UTF8.GetBytes(_issuer + "\0" + _id);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, message));
    }

    public override string ToString() => "PatientIdentifier { (withheld) }";
}
