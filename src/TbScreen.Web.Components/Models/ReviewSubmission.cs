using System.ComponentModel.DataAnnotations;

namespace TbScreen.Web.Components.Models;

/// <summary>A radiologist's final read: label tb / not-tb / indeterminate, and the note (required when it overrides).</summary>
public sealed record ReviewSubmission(string ResultId, string FinalLabel, string? Note, bool OverridesModel);

/// <summary>The form's editable model; the rules live here so the API can run the same DataAnnotations checks.</summary>
public sealed class ReviewInput
{
    public const int MaxNoteLength = 2000;

    public static readonly IReadOnlyList<string> FinalLabels = [Labels.Tb, Labels.NotTb, Labels.Indeterminate];

    /// <summary>The model's decision (tb / not-tb), or null when it made none: a different final label overrides it.</summary>
    public string? ModelDecision { get; set; }

    [Required(ErrorMessage = "Choose a final label: TB, not TB or indeterminate.")]
    [AllowedValues(Labels.Tb, Labels.NotTb, Labels.Indeterminate, ErrorMessage = "The final label must be tb, not-tb or indeterminate.")]
    public string? FinalLabel { get; set; }

    [MaxLength(MaxNoteLength, ErrorMessage = "The note must be at most 2000 characters.")]
    [NoteRequiredWhenOverriding]
    public string? Note { get; set; }

    public bool OverridesModel => FinalLabel is not null && ModelDecision is not null && FinalLabel != ModelDecision;
}

/// <summary>An override of the model must say why: the note is then required.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NoteRequiredWhenOverridingAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (validationContext.ObjectInstance is ReviewInput input && input.OverridesModel && string.IsNullOrWhiteSpace(value as string))
        {
            return new ValidationResult(
                $"A note is required when the final label ({input.FinalLabel}) overrides the model's decision ({input.ModelDecision}).",
                [validationContext.MemberName ?? nameof(ReviewInput.Note)]);
        }

        return ValidationResult.Success;
    }
}
