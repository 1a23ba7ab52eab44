using System.ComponentModel.DataAnnotations;
using TbScreen.Web.Components;

namespace TbScreen.Web.Components.Tests;

public sealed class ReviewFormTests : BunitContext
{
    private readonly List<ReviewSubmission> _submitted = [];

    private IRenderedComponent<ReviewForm> RenderForm(string? modelDecision = "tb") =>
        Render<ReviewForm>(p => p
            .Add(c => c.ResultId, "42")
            .Add(c => c.ModelDecision, modelDecision)
            .Add(c => c.OnSubmit, s => _submitted.Add(s)));

    private static void Choose(IRenderedComponent<ReviewForm> cut, string label) => cut.Find($"input[type=radio][data-label='{label}']").Change(label);

    [Fact]
    public void Missing_label_is_rejected_with_a_message()
    {
        var cut = RenderForm();

        cut.Find("form").Submit();

        Assert.Empty(_submitted);
        Assert.Contains("Choose a final label", cut.Find(".validation-message").TextContent);
    }

    [Fact]
    public void Override_without_a_note_is_rejected()
    {
        var cut = RenderForm(modelDecision: "tb");
        Choose(cut, "not-tb");

        cut.Find("form").Submit();

        Assert.Empty(_submitted);
        var message = Assert.Single(cut.FindAll(".validation-message"));
        Assert.Equal("A note is required when the final label (not-tb) overrides the model's decision (tb).", message.TextContent);
        Assert.Contains("required: you are overriding the model", cut.Find(".tb-review-form__note label").TextContent);
    }

    [Fact]
    public void Indeterminate_also_overrides_and_needs_a_note()
    {
        var cut = RenderForm(modelDecision: "not-tb");
        Choose(cut, "indeterminate");

        cut.Find("form").Submit();

        Assert.Empty(_submitted);
    }

    [Fact]
    public void Confirming_the_model_needs_no_note_and_submits()
    {
        var cut = RenderForm(modelDecision: "tb");
        Choose(cut, "tb");

        cut.Find("form").Submit();

        var submission = Assert.Single(_submitted);
        Assert.Equal(new ReviewSubmission("42", "tb", null, false), submission);
    }

    [Fact]
    public void A_valid_override_raises_OnSubmit_with_the_values()
    {
        var cut = RenderForm(modelDecision: "tb");
        Choose(cut, "not-tb");
        cut.Find("textarea").Change("  Old calcified granuloma, no active disease.  ");

        cut.Find("form").Submit();

        var submission = Assert.Single(_submitted);
        Assert.Equal(new ReviewSubmission("42", "not-tb", "Old calcified granuloma, no active disease.", true), submission);
        Assert.Empty(cut.FindAll(".validation-message"));
    }

    [Fact]
    public void A_note_over_2000_characters_is_rejected()
    {
        var cut = RenderForm(modelDecision: "tb");
        Choose(cut, "tb");
        cut.Find("textarea").Change(new string('x', 2001));

        cut.Find("form").Submit();

        Assert.Empty(_submitted);
        Assert.Contains("at most 2000 characters", cut.Find(".validation-message").TextContent);
    }

    [Fact]
    public void The_counter_follows_typing()
    {
        var cut = RenderForm();

        cut.Find("textarea").Input("twelve chars");

        Assert.Equal("12 / 2000", cut.Find(".tb-review-form__counter").TextContent);
    }

    [Fact]
    public void The_same_rules_validate_outside_the_form()
    {
        var input = new ReviewInput { ModelDecision = "tb", FinalLabel = "maybe" };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(input, new ValidationContext(input), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("tb, not-tb or indeterminate", StringComparison.Ordinal));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(ReviewInput.Note)));
    }
}
