using System.Net;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

/// <summary>Issue 17: one patient's images are linked by a keyed pseudonym; the Patient ID never leaves the host.</summary>
[Collection(ApiCollection.Name)]
public sealed class PatientLinkTests(TbScreenApiFactory factory)
{
    [Fact]
    public async Task Two_images_of_one_patient_share_a_pseudonym_and_each_result_page_links_the_other()
    {
        string patient = "WEB-" + Guid.NewGuid().ToString("N")[..10];
        string user = await factory.CreateUserAsync(Roles.Clinician);
        using var client = await factory.SignedInClientAsync(user, TbScreenApiFactory.UserPassword);
        var first = await (await client.PostAsync("/api/screenings", Upload(TestRadiographs.PhantomOf(patient, TestRadiographs.NewSeed()), "a.dcm"))).JsonAsync(HttpStatusCode.Created);
        var second = await (await client.PostAsync("/api/screenings", Upload(TestRadiographs.PhantomOf(patient, TestRadiographs.NewSeed()), "b.dcm"))).JsonAsync(HttpStatusCode.Created);
        var other = await (await client.PostAsync("/api/screenings", Upload(TestRadiographs.PhantomOf(patient + "-X", TestRadiographs.NewSeed()), "c.dcm"))).JsonAsync(HttpStatusCode.Created);

        string pseudonym = first.GetProperty("metadata").GetProperty("patientPseudonym").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", pseudonym);
        Assert.Equal(pseudonym, second.GetProperty("metadata").GetProperty("patientPseudonym").GetString());
        Assert.NotEqual(pseudonym, other.GetProperty("metadata").GetProperty("patientPseudonym").GetString());
        Assert.DoesNotContain(patient, first.GetRawText(), StringComparison.Ordinal);

        string firstId = first.GetProperty("id").ToString(), secondId = second.GetProperty("id").ToString(), otherId = other.GetProperty("id").ToString();
        string page = await (await client.GetAsync("/results/" + firstId)).Content.ReadAsStringAsync();
        Assert.Contains("Other images of this patient", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"results/{secondId}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"results/{otherId}\"", page, StringComparison.Ordinal);
        Assert.Contains(pseudonym[..12], page, StringComparison.Ordinal);
        Assert.DoesNotContain(patient, page, StringComparison.Ordinal);
    }
}
