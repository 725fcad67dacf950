namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// A request the domain refuses. <see cref="ProblemExceptionHandler"/> turns it into a problem
/// response with <see cref="Status"/>, <see cref="Type"/> and the extension members in <see cref="Extensions"/>.
/// </summary>
public class DomainException(int status, string type, string title, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(detail)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string Title { get; } = title;

    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
}
