namespace TbScreen.Inference.Datasets;

/// <summary>Derives a patient id when a dataset does not state one, so follow-up images of one person stay together.</summary>
public static class PatientIds
{
    /// <summary>
    /// NIH ChestX-ray14 names images PATIENT_FOLLOWUP.png (00000013_005.png): the patient is the prefix.
    /// Other sources hold one image per patient as far as we know, so the original id (or file) is the patient.
    /// The source is prefixed so ids from different sets never collide.
    /// </summary>
    public static string Derive(string? source, string? originalId, string file)
    {
        string id = Path.GetFileNameWithoutExtension(originalId ?? file);
        if (source is not null && source.StartsWith("nih", StringComparison.OrdinalIgnoreCase))
        {
            int underscore = id.IndexOf('_');
            if (underscore > 0)
            {
                id = id[..underscore];
            }
        }

        return (source ?? "unknown") + ":" + id;
    }
}
