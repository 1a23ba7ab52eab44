namespace TbScreen.Screening.Jobs;

/// <summary>
/// One file to screen. <see cref="DisplayPath"/> is how the output names it (built from the argument as typed);
/// <see cref="FullPath"/> is absolute and identifies it in the job store and the job hash.
/// </summary>
public sealed record BatchInput(int Index, string DisplayPath, string FullPath);
