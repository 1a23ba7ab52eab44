using System.Security.Claims;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Identity;
using TbScreen.Web.Reviews;

namespace TbScreen.Web.Api;

/// <summary>The worklist, reviews (radiologists confirm or override) and review statistics.</summary>
internal static class ReviewEndpoints
{
    public static RouteGroupBuilder MapReviewEndpoints(this RouteGroupBuilder api)
    {
        var worklist = api.MapGroup("/worklist").WithTags("Worklist");
        worklist.MapGet("/", ListAsync)
            .RequireAuthorization(Policies.Screen)
            .WithName("GetWorklist")
            .WithSummary("Flagged and positive screenings with their latest review; filter and sort")
            .WithDescription("flag: flagged | none | disagreement | uncertain; decision: tb | not-tb; reviewed: true | false; "
                + "search: part of the file name; sort: screened | score | file | flag; desc: true (default) | false; skip, take (<= 1000).")
            .Produces<WorklistPage>();
        worklist.MapGet("/stats", async (Worklist list, CancellationToken ct) => TypedResults.Ok(await list.StatisticsAsync(ct)))
            .RequireAuthorization(Policies.AnyRole)
            .WithName("GetReviewStatistics")
            .WithSummary("Flagged and resolved counts; model-only and radiologist-augmented accuracy where final reads exist")
            .Produces<ReviewStatistics>();

        var reviews = api.MapGroup("/screenings/{id:long}/reviews").WithTags("Reviews");
        reviews.MapPost("/", AddAsync)
            .RequireAuthorization(Policies.Review)
            // Same reasoning as uploads: cookie is SameSite=Strict; scripts send JSON without a token.
            .DisableAntiforgery()
            .WithName("CreateReview")
            .WithSummary("Record a radiologist's final read: finalLabel tb | not-tb | indeterminate and a note (required when it overrides the model)")
            .Produces<ReviewInfo>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        reviews.MapGet("/", async (long id, IScreeningStore store, CancellationToken ct) => TypedResults.Ok(await store.ReviewsAsync(id, ct)))
            .RequireAuthorization(Policies.Screen)
            .WithName("GetReviews")
            .WithSummary("Every review of a result, oldest first")
            .Produces<IReadOnlyList<ReviewInfo>>();
        return reviews;
    }

    private static async Task<IResult> ListAsync(
        string? flag, string? decision, bool? reviewed, string? search, string? sort, bool? desc, int? skip, int? take,
        Worklist list, CancellationToken cancellationToken)
    {
        if (sort is not null && !WorklistSorts.All.Contains(sort.ToLowerInvariant()))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["sort"] = [$"Sort by one of {string.Join(", ", WorklistSorts.All)}."] });
        }

        var filter = new WorklistFilter
        {
            Flag = flag,
            Decision = decision,
            Reviewed = reviewed,
            Search = search,
            Sort = sort ?? WorklistSorts.Screened,
            Descending = desc ?? true,
            Skip = skip ?? 0,
            Take = take ?? 100,
        };
        return TypedResults.Ok(await list.ListAsync(filter, cancellationToken));
    }

    private static async Task<IResult> AddAsync(long id, ReviewRequest request, ReviewService reviews, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var result = await reviews.AddAsync(id, ApiActors.Of(user), request, cancellationToken);
        if (result.Review is { } review)
        {
            return TypedResults.Created($"/api/screenings/{id}/reviews", review);
        }

        return result.Errors is { } errors
            ? TypedResults.ValidationProblem(errors, detail: result.ErrorDetail, title: result.ErrorTitle)
            : TypedResults.Problem(statusCode: result.ErrorStatus, title: result.ErrorTitle, detail: result.ErrorDetail);
    }
}
