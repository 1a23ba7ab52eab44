namespace TbScreen.Audit;

/// <summary>
/// One labelled, scored case with its subgroup attributes. <see cref="Called"/> is the ensemble's decision at its
/// operating threshold; <see cref="Score"/> is the ensemble probability. Missing attributes are null.
/// <see cref="ScannerModel"/> is the DICOM (0008,1090) model name (or a manifest `model` column).
/// </summary>
public sealed record AuditCase(
    string File,
    bool IsTb,
    double Score,
    bool Called,
    string? Source = null,
    string? Sex = null,
    double? Age = null,
    string? Manufacturer = null,
    string? ScannerModel = null);
