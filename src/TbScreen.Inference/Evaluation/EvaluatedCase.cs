using TbScreen.Inference.Ensembles;

namespace TbScreen.Inference.Evaluation;

/// <summary>One labelled case after screening: the ensemble decision carries every member's score and threshold.</summary>
public sealed record EvaluatedCase(string File, bool IsTb, string Source, EnsembleDecision Decision, string? Findings = null);
