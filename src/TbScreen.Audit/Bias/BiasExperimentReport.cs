namespace TbScreen.Audit.Bias;

/// <summary>One trained model of the bias experiment: the bias it was trained under and its two evaluations.</summary>
/// <param name="FlippedTrain">Group positives turned negative in train + validation (label bias).</param>
/// <param name="DroppedTrain">Group positives removed from train + validation (selection bias).</param>
public sealed record BiasSetting(
    string Name,
    double LabelBias,
    double SelectionBias,
    int GroupPositivesTrain,
    int FlippedTrain,
    int DroppedTrain,
    int? BestEpoch,
    double? BestValAuc,
    BiasEvaluation Biased,
    BiasEvaluation Clean);

/// <summary>bias-experiment.json: the settings in order, with what the group is and how the decisions were made.</summary>
public sealed record BiasExperimentReport(
    string Notice,
    string Group,
    string GroupRationale,
    double Threshold,
    string Architecture,
    int Epochs,
    int Seed,
    int TestN,
    int TestGroupN,
    int TestGroupPositives,
    IReadOnlyList<BiasSetting> Settings,
    IReadOnlyList<string> Caveats);
