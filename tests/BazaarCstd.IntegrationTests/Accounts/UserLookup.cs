using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Auth;

namespace BazaarCstd.IntegrationTests.Accounts;

/// <summary>
/// Registration answers the same for a new and an existing email (202, no id), so a test that
/// registers someone and then manages them finds the account the way an admin does: by email.
/// </summary>
public static class UserLookup
{
    /// <summary>The id of the account with <paramref name="email"/>, read with an admin's client.</summary>
    public static async Task<Guid> UserIdAsync(this HttpClient admin, string email)
    {
        var page = await admin.GetFromJsonAsync<Page<UserProfile>>($"/api/users?email={Uri.EscapeDataString(email)}");
        return Assert.Single(page!.Items).Id;
    }
}
