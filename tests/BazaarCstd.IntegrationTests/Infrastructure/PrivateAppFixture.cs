using BazaarCstd.Contracts;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// The private app of <c>Foundation.PrivateAppTests</c> (why it cannot be the shared one is said
/// there). One API replica is enough: the race is in the database. Its last test disposes it.
/// </summary>
public sealed class PrivateAppFixture() : AppFixture(new Dictionary<string, string> { ["Bazaar:ApiReplicas"] = "1" })
{
    /// <summary>The database as its owner, to count admins behind the API's back.</summary>
    public NpgsqlDataSource Database { get; private set; } = null!;

    public override async Task DisposeAsync()
    {
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override async Task OnStartedAsync() =>
        Database = NpgsqlDataSource.Create((await App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);
}
