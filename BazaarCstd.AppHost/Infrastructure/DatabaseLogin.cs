namespace BazaarCstd.AppHost.Infrastructure;

/// <summary>A database login other than the server's superuser: its user name and password parameter.</summary>
internal sealed record DatabaseLogin(string User, ParameterResource Password);
