using Microsoft.AspNetCore.Identity;

namespace TbScreen.Web.Identity;

/// <summary>A dashboard account. Nothing beyond Identity's columns: roles carry the permissions.</summary>
public sealed class TbScreenUser : IdentityUser
{
    public TbScreenUser()
    {
    }

    public TbScreenUser(string userName)
        : base(userName)
    {
    }
}
