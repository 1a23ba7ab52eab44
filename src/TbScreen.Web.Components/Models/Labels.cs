namespace TbScreen.Web.Components.Models;

/// <summary>Display text for the stable strings of the API (decisions, labels, flag reasons).</summary>
public static class Labels
{
    public const string Tb = "tb";
    public const string NotTb = "not-tb";
    public const string Indeterminate = "indeterminate";

    public static string Decision(string? decision) => decision switch
    {
        Tb => "TB suspected",
        NotTb => "No TB detected",
        Indeterminate => "Indeterminate",
        null or "" => "Not screened",
        _ => decision,
    };

    /// <summary>Display name of an ensemble member's bundle ("resnet18" -> "ResNet-18"); unknown names as they are.</summary>
    public static string MemberName(string bundle) => bundle switch
    {
        "alexnet" => "AlexNet",
        "googlenet" => "GoogLeNet",
        "resnet18" => "ResNet-18",
        _ => bundle,
    };

    /// <summary>Short name of a flag reason for tables and badges.</summary>
    public static string FlagReason(string reason) => reason switch
    {
        "disagreement" => "Networks disagree",
        "uncertain" => "Uncertain score",
        "unstable" => "Unstable under perturbation",
        "unfamiliar" => "Unfamiliar image",
        "lungs-not-found" => "Lungs not found",
        "inverted" => "Looks inverted",
        "uid-conflict" => "UID conflict",
        _ => reason,
    };

    /// <summary>What a flag reason means for the clinician, in one sentence.</summary>
    public static string FlagExplanation(string reason) => reason switch
    {
        "disagreement" => "The ensemble's networks (AlexNet and GoogLeNet, with ResNet-18 in the three-member ensemble) reach different decisions at their own thresholds, so no single call can be trusted alone.",
        "uncertain" => "The ensemble score lies in the uncertainty band around the site threshold, where the models are least reliable.",
        "unstable" => "The decision changes under small perturbations of the image, so it is not robust.",
        "unfamiliar" => "Unfamiliar image: unlike the training radiographs; often not a frontal chest X-ray or an unusual acquisition.",
        "lungs-not-found" => "Lungs not found: no plausible pair of lungs in the image; often not a frontal chest X-ray.",
        "inverted" => "Looks inverted: the lungs are found with more confidence in the film's negative, as on a MONOCHROME1 image exported without inversion. The scores describe a film the models never learned; check the export.",
        "uid-conflict" => "UID conflict: another image with different pixels already carries this SOP Instance UID. Each was screened on its own; check which file is genuine before trusting either result.",
        _ => "The pipeline flagged this case for review.",
    };

    public static string Percent(double? probability) =>
        probability is double p ? p.ToString("0.0%", System.Globalization.CultureInfo.InvariantCulture) : "–";

    public static string Score(double? probability) =>
        probability is double p ? p.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "–";
}
