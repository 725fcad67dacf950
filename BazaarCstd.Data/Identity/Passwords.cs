namespace BazaarCstd.Data.Identity;

/// <summary>
/// Password hashing (bcrypt, cost 11, SHA-384 pre-hash so passwords longer than bcrypt's 72 bytes
/// are not truncated) and the password rule: 12 to 128 characters and not a well-known password.
/// Shared by the API (sign-up, sign-in) and the migration service (the first admin, demo users).
/// </summary>
public static class Passwords
{
    public const int WorkFactor = 11;
    public const int MinLength = 12;
    public const int MaxLength = 128;

    /// <summary>A hash nobody's password matches: checked for unknown users so they cost the same time as known ones.</summary>
    private static readonly Lazy<string> s_decoy = new(() => Hash(Guid.NewGuid().ToString()));

    // The most common passwords of 12+ characters in public breach lists, lower-cased.
    private static readonly HashSet<string> s_common = new(StringComparer.OrdinalIgnoreCase)
    {
        "123456789012", "1234567890123", "12345678901234", "123456789123", "1q2w3e4r5t6y", "1qaz2wsx3edc",
        "qwertyuiop12", "qwertyuiopas", "qwerty123456", "password1234", "password12345", "password123!",
        "passwordpassword", "iloveyou1234", "abcdefghijkl", "abc123456789", "aaaaaaaaaaaa", "111111111111",
        "000000000000", "letmein12345", "welcome12345", "welcome123456", "administrator", "changeme1234",
        "trustno1trustno1", "football1234", "baseball1234", "princess1234", "sunshine1234", "superman1234",
        "qazwsxedcrfv", "zaq12wsxcde3", "asdfghjkl123", "1234qwerasdf", "q1w2e3r4t5y6", "monkey123456",
        "dragon123456", "master123456", "password2024", "password2025", "password2026", "summer2026!!",
        "winter2026!!", "inventory123", "bazaarbazaar", "bazaar123456", "p@ssw0rd1234", "p@ssword1234",
    };

    public static string Hash(string password) => BCrypt.Net.BCrypt.EnhancedHashPassword(password, WorkFactor);

    public static bool Verify(string password, string? hash) =>
        BCrypt.Net.BCrypt.EnhancedVerify(password, hash ?? s_decoy.Value) && hash is not null;

    /// <summary>Why the password is not acceptable, or null when it is.</summary>
    public static string? Problem(string? password) => password switch
    {
        null or "" => "is required.",
        { Length: < MinLength } => $"must be at least {MinLength} characters.",
        { Length: > MaxLength } => $"must be at most {MaxLength} characters.",
        _ when s_common.Contains(password) => "is one of the most common passwords; choose another.",
        _ => null,
    };
}
