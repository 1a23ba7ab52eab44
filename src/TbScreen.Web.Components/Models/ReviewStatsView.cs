namespace TbScreen.Web.Components.Models;

/// <summary>
/// Review statistics. <see cref="FinalReads"/> counts cases with a radiologist's final label (tb / not-tb);
/// <see cref="AugmentedAccuracy"/> is the fraction of those where the reviewed decision matches the final read
/// (null when there are none); <see cref="ModelAccuracy"/> is the model alone on the same cases, when known.
/// </summary>
public sealed record ReviewStatsView(int Flagged, int Resolved, int Positives, int FinalReads, double? AugmentedAccuracy, double? ModelAccuracy = null);
