using BazaarCstd.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// The stores the caller may see, from the access token: every store for an administrator
/// (<see cref="Stores"/> is null), the assigned ones for everybody else. It is the one place
/// store-bound reads are narrowed: EF Core queries start from <see cref="Visible"/>, SQL takes
/// <see cref="Parameter"/> as <c>($n::uuid[] IS NULL OR store_id = ANY($n))</c>.
/// </summary>
public sealed class StoreScope
{
    public IReadOnlyList<Guid>? Stores { get; init; }

    /// <summary>Whether the caller may see <paramref name="storeId"/>, from the token alone (the store may not exist).</summary>
    public bool Includes(Guid storeId) => Stores is null || Stores.Contains(storeId);

    public IQueryable<Store> Visible(IQueryable<Store> stores) => Stores is { } visible ? stores.Where(s => visible.Contains(s.Id)) : stores;

    /// <summary>Whether the store exists and the caller may see it (otherwise endpoints answer 404).</summary>
    public Task<bool> CanSeeAsync(IQueryable<Store> stores, Guid storeId, CancellationToken ct) =>
        Visible(stores).AnyAsync(s => s.Id == storeId, ct);

    public NpgsqlParameter Parameter() => new()
    {
        Value = Stores is null ? DBNull.Value : Stores.ToArray(),
        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid,
    };
}
