namespace TbScreen.Screening.Persistence.Entities;

/// <summary>A radiologist's read of a screened image: the ground truth the audit compares the models against.</summary>
public sealed class Review
{
    public long Id { get; set; }

    public long ResultId { get; set; }

    public ScreeningResult? Result { get; set; }

    /// <summary>The radiologist's read, e.g. tb, not-tb, indeterminate.</summary>
    public required string Read { get; set; }

    /// <summary>The final label after any confirmation (culture, GeneXpert, consensus).</summary>
    public string? FinalLabel { get; set; }

    public string? Note { get; set; }

    public required string Reviewer { get; set; }

    public DateTime ReviewedAt { get; set; }
}
