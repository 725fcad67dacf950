namespace BazaarCstd.Api.Infrastructure.Replica;

/// <summary>The names of the two databases a read can be served by, as reported in system info and metrics.</summary>
public static class ReadSources
{
    public const string Replica = "replica";
    public const string Primary = "primary";
}
