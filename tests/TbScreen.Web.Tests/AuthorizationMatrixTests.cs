using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

/// <summary>
/// Issue 17: every endpoint and page, read from the app's own endpoint data source, against a table of the policy it
/// must carry; each role is then tried on each route and must be let through (any answer but 401/403) exactly when
/// the policy names it. A new endpoint missing from the table fails the test.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuthorizationMatrixTests(TbScreenApiFactory factory)
{
    /// <summary>
    /// "METHOD /pattern" → policy; "signed-in" is any authenticated user, "public" needs no sign-in, and "none" marks the
    /// framework's own endpoints (the Blazor circuit's hub, whose components check their own policies, and static files).
    /// </summary>
    private static readonly Dictionary<string, string> Table = new(StringComparer.Ordinal)
    {
        ["GET /"] = "any-role",
        ["GET /_blazor"] = "none",
        ["GET /_blazor/disconnect"] = "none",
        ["GET /_blazor/initializers"] = "none",
        ["GET /_blazor/negotiate"] = "none",
        ["GET /_framework/opaque-redirect"] = "none",
        ["GET /access-denied"] = "signed-in",
        ["GET /account/password"] = "signed-in",
        ["GET /admin/pacs"] = "admin",
        ["GET /admin/sites"] = "admin",
        ["GET /admin/users"] = "admin",
        ["GET /api/audit"] = "audit",
        ["GET /api/auth/me"] = "signed-in",
        ["GET /api/jobs"] = "screen",
        ["GET /api/jobs/{id:long}"] = "screen",
        ["GET /api/jobs/{id:long}/results"] = "screen",
        ["GET /api/jobs/{id:long}/results.csv"] = "screen",
        ["GET /api/models"] = "any-role",
        ["GET /api/monitoring"] = "audit",
        ["GET /api/reports"] = "audit",
        ["GET /api/reports/files/{**path}"] = "any-role",
        ["GET /api/screenings/{id:long}"] = "screen",
        ["GET /api/screenings/{id:long}/heatmap"] = "screen",
        ["GET /api/screenings/{id:long}/heatmap.png"] = "screen",
        ["GET /api/screenings/{id:long}/image"] = "screen",
        ["GET /api/screenings/{id:long}/reviews"] = "screen",
        ["GET /api/sites"] = "admin",
        ["GET /api/sites/{name}"] = "admin",
        ["GET /api/sites/{name}/profiles/{version:int}/roc.svg"] = "admin",
        ["GET /api/users"] = "admin",
        ["GET /api/worklist"] = "screen",
        ["GET /api/worklist/stats"] = "any-role",
        ["GET /audit"] = "audit",
        ["GET /dicomweb/studies"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/series"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/series/{series}"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/series/{series}/instances"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/series/{series}/instances/{instance}"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/metadata"] = "screen-dicomweb",
        ["GET /dicomweb/series"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/series/{series}/instances/{instance}/rendered"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/series/{series}/instances/{instance}/frames/{frame:int}/rendered"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/thumbnail"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/series/{series}/thumbnail"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/series/{series}/instances/{instance}/thumbnail"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/series/{series}/instances/{instance}/frames/{frame:int}/thumbnail"] = "screen-dicomweb",
        ["GET /dicomweb/instances"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/instances"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/series/{series}/metadata"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/series/{series}/instances/{instance}/metadata"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/series/{series}/instances/{instance}/frames/{frames}"] = "screen-dicomweb",
        ["GET /dicomweb/studies/{study}/series/{series}/instances/{instance}/bulk/{**path}"] = "screen-dicomweb",
        ["GET /jobs"] = "screen",
        ["GET /jobs/{Id:long}"] = "screen",
        ["GET /models"] = "any-role",
        ["GET /monitoring"] = "audit",
        ["GET /not-found"] = "signed-in",
        ["GET /openapi/{documentName}.json"] = "any-role",
        ["GET /reports"] = "audit",
        ["GET /results/{Id:long}"] = "screen",
        ["GET /signin"] = "public",
        ["GET /upload"] = "screen",
        ["GET /worklist"] = "screen",
        ["GET /{**path:file}"] = "none",
        ["HEAD /{**path:file}"] = "none",
        ["POST /"] = "any-role",
        ["POST /access-denied"] = "signed-in",
        ["POST /account/password"] = "signed-in",
        ["POST /account/signout"] = "signed-in",
        ["POST /admin/pacs"] = "admin",
        ["POST /admin/sites"] = "admin",
        ["POST /admin/users"] = "admin",
        ["POST /api/account/password"] = "signed-in",
        ["POST /api/auth/login"] = "public",
        ["POST /api/auth/logout"] = "signed-in",
        ["POST /api/jobs"] = "admin",
        ["POST /api/jobs/uploads"] = "screen",
        ["POST /api/jobs/{id:long}/cancel"] = "screen",
        ["POST /api/screenings"] = "screen",
        ["POST /api/screenings/{id:long}/reviews"] = "review",
        ["POST /api/sites"] = "admin",
        ["POST /api/sites/{name}/calibrations/upload"] = "admin",
        ["POST /api/sites/{name}/calibrations/worklist"] = "admin",
        ["POST /api/sites/{name}/profiles/{version:int}/approve"] = "admin",
        ["POST /api/users"] = "admin",
        ["POST /audit"] = "audit",
        ["POST /dicomweb/studies"] = "screen-dicomweb",
        ["POST /dicomweb/studies/{study}"] = "screen-dicomweb",
        ["POST /jobs"] = "screen",
        ["POST /jobs/{Id:long}"] = "screen",
        ["POST /models"] = "any-role",
        ["POST /monitoring"] = "audit",
        ["POST /not-found"] = "signed-in",
        ["POST /reports"] = "audit",
        ["POST /results/{Id:long}"] = "screen",
        ["POST /signin"] = "public",
        ["POST /upload"] = "screen",
        ["POST /worklist"] = "screen",
        ["PUT /api/users/{userName}/enabled"] = "admin",
        ["PUT /api/users/{userName}/roles"] = "admin",
    };

    private static readonly Dictionary<string, string[]> RolesOf = new()
    {
        [Policies.Screen] = Policies.ScreenRoles,
        [Policies.ScreenDicomWeb] = Policies.ScreenRoles,
        [Policies.Review] = [Roles.Radiologist],
        [Policies.Audit] = Policies.AuditRoles,
        [Policies.Admin] = [Roles.Admin],
        [Policies.AnyRole] = Roles.All.ToArray(),
        ["signed-in"] = Roles.All.ToArray(),
    };

    [Fact]
    public async Task Every_route_carries_the_policy_in_the_table_and_each_role_gets_exactly_what_it_names()
    {
        var routes = Routes().ToList();
        var missing = routes.Where(r => !Table.ContainsKey(r.Key)).Select(r => $"[\"{r.Key}\"] = \"{r.Policy}\",").ToList();
        Assert.True(missing.Count == 0, "routes not in the authorization table:\n" + string.Join('\n', missing));
        var stale = Table.Keys.Except(routes.Select(r => r.Key)).ToList();
        Assert.True(stale.Count == 0, "table rows for routes that no longer exist: " + string.Join(", ", stale));
        foreach (var route in routes)
        {
            Assert.True(Table[route.Key] == route.Policy, $"{route.Key} carries '{route.Policy}', the table says '{Table[route.Key]}'");
        }

        var clients = new Dictionary<string, HttpClient>();
        try
        {
            foreach (string role in Roles.All)
            {
                clients[role] = await factory.ClientAsAsync(role);
            }

            foreach (var route in routes.Where(r => r.Policy is not ("public" or "none") && r.Method is "GET" && !r.Pattern.Contains("**", StringComparison.Ordinal)))
            {
                foreach (string role in Roles.All)
                {
                    var response = await clients[role].GetAsync(SecurityTests.Concrete(route.Pattern));
                    bool allowed = RolesOf[route.Policy].Contains(role);
                    bool refused = response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
                        || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.ToString().Contains("access-denied", StringComparison.Ordinal) == true);
                    Assert.True(allowed != refused, $"{role} on GET {route.Pattern}: {(int)response.StatusCode}, expected {(allowed ? "through" : "refused")}");
                }
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    private IEnumerable<(string Key, string Method, string Pattern, string Policy)> Routes()
    {
        foreach (var endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            string pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            if (SecurityTests.IsStaticAsset(endpoint))
            {
                continue;
            }

            var authorize = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
            string policy = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null ? "public"
                : authorize.Select(a => a.Policy).LastOrDefault(p => p is not null) ?? (authorize.Count > 0 ? "signed-in" : "none");
            foreach (string method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                yield return ($"{method} {pattern}", method, pattern, policy);
            }
        }
    }
}
