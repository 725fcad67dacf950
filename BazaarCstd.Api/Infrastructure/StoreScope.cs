using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// The stores the caller may see — the one place store-bound reads are narrowed. Every query over
/// store-bound data takes <see cref="Parameter"/> as <c>($n::uuid[] IS NULL OR store_id = ANY($n))</c>.
/// Until sign-in exists every caller sees every store (<see cref="Stores"/> is null).
/// </summary>
public sealed class StoreScope
{
    public IReadOnlyList<Guid>? Stores { get; init; }

    public NpgsqlParameter Parameter() => new()
    {
        Value = Stores is null ? DBNull.Value : Stores.ToArray(),
        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid,
    };
}
