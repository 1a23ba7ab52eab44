namespace TbScreen.Imaging.Tests;

/// <summary>Issue 17: the Patient ID is only ever read out as a keyed pseudonym, and never printed.</summary>
public class PatientIdentifierTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Pseudonym_is_hmac_sha256_of_issuer_nul_id()
    {
        // Python: hmac.new(bytes(range(32)), b'HOSP\x0012345', hashlib.sha256).hexdigest()
        Assert.Equal("2cf6d79ee68691470b307a6d8427d6f68efd403f69cdd5ae80d31a7ef8c2952c", PatientIdentifier.From("12345 ", "HOSP")!.KeyedPseudonym(Key));
        // Python: hmac.new(bytes(range(32)), b'\x0012345', hashlib.sha256).hexdigest()
        Assert.Equal("5cdf68783842f03713676dd30acd85ae94ae27b705cfddfd793f5ce8fc7f6c7b", PatientIdentifier.From("12345")!.KeyedPseudonym(Key));
    }

    [Fact]
    public void Blank_ids_are_no_identifier_and_short_keys_are_refused()
    {
        Assert.Null(PatientIdentifier.From("   "));
        Assert.Null(PatientIdentifier.From(null));
        Assert.Throws<ArgumentException>(() => PatientIdentifier.From("12345")!.KeyedPseudonym(new byte[16]));
    }

    [Fact]
    public void Neither_the_identifier_nor_the_metadata_record_prints_the_id()
    {
        var metadata = new RadiographMetadata { PatientId = PatientIdentifier.From("MRN-77881", "HOSP"), PatientSex = "F" };

        Assert.DoesNotContain("MRN-77881", metadata.PatientId!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("MRN-77881", metadata.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("HOSP", metadata.ToString(), StringComparison.Ordinal);
        Assert.Equal(PatientIdentifier.From("MRN-77881", "HOSP"), metadata.PatientId); // value equality, for record comparisons
    }
}
