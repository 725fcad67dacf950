using Npgsql;
using NpgsqlTypes;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Parameters whose value may be NULL. Npgsql cannot tell a type from <see cref="DBNull"/>, and the
/// optional filters (<c>$1::uuid IS NULL OR …</c>) need one, so these always name it.
/// </summary>
internal static class NullableParameter
{
    public static NpgsqlParameter Uuid(Guid? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid };

    public static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    public static NpgsqlParameter Bigint(long? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint };

    /// <summary>In UTC: Npgsql writes only offset-zero <see cref="DateTimeOffset"/>s to <c>timestamptz</c>.</summary>
    public static NpgsqlParameter Timestamp(DateTimeOffset? value) =>
        new() { Value = (object?)value?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };
}
