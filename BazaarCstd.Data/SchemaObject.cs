namespace BazaarCstd.Data;

/// <summary>A function, view or trigger as its file under <c>BazaarCstd.Data/Sql/</c> defines it today.</summary>
/// <param name="Name">
/// The file's path under <c>Sql/</c> without <c>.sql</c>, e.g. <c>functions/record_movements</c> or
/// <c>triggers/products.trg_products_audit</c>; the key of its row in <c>bazaar.schema_objects</c>.
/// </param>
/// <param name="Sql">The file's text (line ends normalised to <c>\n</c>): <c>CREATE OR REPLACE …</c> and its grants.</param>
/// <param name="Sha256">The SHA-256 of <paramref name="Sql"/>, lower-case hex: what the database records once applied.</param>
public sealed record SchemaObject(string Name, SchemaObjectKind Kind, string Sql, string Sha256);
