using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Identity;

/// <summary>
/// Failed HTTP Basic attempts per client address, limited as sign-in attempts are (TbScreen:Security:RateLimits:
/// SignInsPerMinute): lockout stops guessing one account, this stops spraying many. Only failures count, so a PACS
/// that authenticates correctly is limited by the API and upload limits alone.
/// </summary>
public sealed class BasicFailureLimiter(IOptions<TbScreenOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.Security.RateLimits.SignInsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>True while the address has failures left this minute.</summary>
    public bool MayTry(string address)
    {
        using var lease = _failures.AttemptAcquire(address, 0);
        return lease.IsAcquired;
    }

    public void Failed(string address)
    {
        using var lease = _failures.AttemptAcquire(address, 1);
    }

    public void Dispose() => _failures.Dispose();
}
