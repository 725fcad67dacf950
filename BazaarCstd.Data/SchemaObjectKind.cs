namespace BazaarCstd.Data;

/// <summary>
/// The kinds of replaceable schema objects, each a folder of <c>Sql/</c>, in the order they are
/// applied: a view or a trigger may use a function, a trigger may sit on a view.
/// </summary>
public enum SchemaObjectKind
{
    Function,
    View,
    Trigger,
}
