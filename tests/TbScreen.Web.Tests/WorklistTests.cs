using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

/// <summary>
/// Worklist filters and review statistics on a host of their own (the counts are global), over seven stored
/// results with known decisions, flags and reviews:
///   r1 tb,     none         → final tb       model right, augmented right (unflagged: the model's call)
///   r2 tb,     disagreement → final not-tb   model wrong, augmented right (flagged: the radiologist's call)
///   r3 not-tb, uncertain    → final tb       model wrong, augmented right
///   r4 not-tb, none         → final tb       model wrong, augmented wrong (unflagged, so never seen)
///   r5 not-tb, disagreement+uncertain, no review
///   r6 not-tb, none,        no review (not on the worklist)
///   r7 tb,     uncertain    → indeterminate (resolved, but no ground truth: left out of accuracy)
/// Hand-computed: screened 7, flagged 4 (r2 r3 r5 r7), resolved 3 (r2 r3 r7), positive 3 (r1 r2 r7),
/// final reads 4 (r1..r4), 2 of them flagged, model accuracy 1/4, augmented accuracy 3/4.
/// </summary>
public sealed class WorklistTests : IClassFixture<WorklistTests.Host>, IAsyncLifetime
{
    private readonly Host _host;
    private Dictionary<string, long> _ids = [];

    public WorklistTests(Host host) => _host = host;

    public async Task InitializeAsync() => _ids = await _host.SeedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Statistics_match_the_hand_computed_values()
    {
        using var auditor = await _host.ClientAsAsync(Roles.Auditor);
        var stats = await (await auditor.GetAsync("/api/worklist/stats")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(7, stats.GetProperty("screened").GetInt32());
        Assert.Equal(4, stats.GetProperty("flagged").GetInt32());
        Assert.Equal(3, stats.GetProperty("resolved").GetInt32());
        Assert.Equal(3, stats.GetProperty("positive").GetInt32());
        Assert.Equal(4, stats.GetProperty("withFinalRead").GetInt32());
        Assert.Equal(2, stats.GetProperty("flaggedWithFinalRead").GetInt32());
        Assert.Equal(0.25, stats.GetProperty("modelAccuracy").GetDouble(), 12);
        Assert.Equal(0.75, stats.GetProperty("augmentedAccuracy").GetDouble(), 12);
    }

    [Theory]
    [InlineData("", "r1 r2 r3 r5 r7")]
    [InlineData("?flag=flagged", "r2 r3 r5 r7")]
    [InlineData("?flag=disagreement", "r2 r5")]
    [InlineData("?flag=uncertain", "r3 r5 r7")]
    [InlineData("?decision=tb", "r1 r2 r7")]
    [InlineData("?reviewed=false", "r5")]
    [InlineData("?reviewed=true&decision=not-tb", "r3")]
    [InlineData("?search=r7", "r7")]
    public async Task Worklist_filters_select_the_expected_cases(string query, string expected)
    {
        using var clinician = await _host.ClientAsAsync(Roles.Clinician);
        var page = await (await clinician.GetAsync("/api/worklist" + query)).JsonAsync(HttpStatusCode.OK);
        var names = Names(page);
        Assert.Equal(expected.Split(' ').Order(), names.Order());
        Assert.Equal(names.Count, page.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Worklist_sorts_by_score_both_ways_and_shows_the_latest_review()
    {
        using var clinician = await _host.ClientAsAsync(Roles.Clinician);
        var ascending = await (await clinician.GetAsync("/api/worklist?sort=score&desc=false")).JsonAsync(HttpStatusCode.OK);
        var descending = await (await clinician.GetAsync("/api/worklist?sort=score")).JsonAsync(HttpStatusCode.OK);

        // Ensemble probabilities: r3 0.30, r5 0.40, r7 0.55, r2 0.70, r1 0.90.
        Assert.Equal(["r3", "r5", "r7", "r2", "r1"], Names(ascending));
        Assert.Equal(["r1", "r2", "r7", "r5", "r3"], Names(descending));
        var r2 = descending.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("fileName").GetString() == "r2.dcm");
        Assert.Equal("not-tb", r2.GetProperty("review").GetProperty("finalLabel").GetString());
        await (await clinician.GetAsync("/api/worklist?sort=patient")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    private static List<string> Names(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => Path.GetFileNameWithoutExtension(i.GetProperty("fileName").GetString()!)).ToList();

    public sealed class Host : TbScreenApiFactory
    {
        private readonly SemaphoreSlim _once = new(1, 1);
        private Dictionary<string, long>? _ids;

        /// <summary>Stores the seven results and, through the API as a radiologist, their reviews (once per host).</summary>
        public async Task<Dictionary<string, long>> SeedAsync()
        {
            await _once.WaitAsync();
            try
            {
                if (_ids is not null)
                {
                    return _ids;
                }

                var store = Services.GetRequiredService<IScreeningStore>();
                var cases = new (string Name, string Decision, string Flag, double P, string? Final)[]
                {
                    ("r1", "tb", "none", 0.90, "tb"),
                    ("r2", "tb", "disagreement", 0.70, "not-tb"),
                    ("r3", "not-tb", "uncertain", 0.30, "tb"),
                    ("r4", "not-tb", "none", 0.10, "tb"),
                    ("r5", "not-tb", "disagreement+uncertain", 0.40, null),
                    ("r6", "not-tb", "none", 0.05, null),
                    ("r7", "tb", "uncertain", 0.55, "indeterminate"),
                };
                var ids = new Dictionary<string, long>();
                using var radiologist = await ClientAsAsync(Roles.Radiologist);
                foreach (var c in cases)
                {
                    var stored = await store.SaveOutcomeAsync(new ScreeningOutcome
                    {
                        Source = c.Name + ".dcm",
                        Status = ScreeningStatus.Ok,
                        SopInstanceUid = "2.25." + Guid.NewGuid().ToString("N")[..20],
                        ContentSha256 = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
                        EnsembleProbability = c.P,
                        Decision = c.Decision,
                        Flag = c.Flag,
                        FlagReason = "seeded",
                        ModelVersion = "seed@1",
                    });
                    ids[c.Name] = stored.ResultId;
                    if (c.Final is { } final)
                    {
                        var response = await radiologist.PostAsJsonAsync($"/api/screenings/{stored.ResultId}/reviews",
                            new { finalLabel = final, note = final == c.Decision ? null : "seeded override" });
                        await response.JsonAsync(HttpStatusCode.Created);
                    }
                }

                return _ids = ids;
            }
            finally
            {
                _once.Release();
            }
        }
    }
}
