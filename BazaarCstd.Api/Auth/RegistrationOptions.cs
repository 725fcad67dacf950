namespace BazaarCstd.Api.Auth;

/// <summary>
/// Section <c>Bazaar:Auth</c>. Self-registration (<c>POST /api/auth/register</c>) is off unless
/// <see cref="AllowRegistration"/> is set: the AppHost turns it on for the local app (the demo and
/// the tests use it) and leaves it off when published unless <c>Bazaar:Auth:AllowRegistration</c>
/// is given.
/// </summary>
public sealed class RegistrationOptions
{
    public const string SectionName = "Bazaar:Auth";

    public bool AllowRegistration { get; set; }
}
