using BazaarCstd.Data.Identity;

namespace BazaarCstd.Tests.Auth;

public sealed class PasswordsTests
{
    [Theory]
    [InlineData(null, "is required.")]
    [InlineData("short-pass1", "must be at least 12 characters.")]
    [InlineData("PASSWORD1234", "is one of the most common passwords; choose another.")]
    [InlineData("correct horse battery staple", null)]
    public void The_rule_is_twelve_characters_and_not_a_common_password(string? password, string? problem) =>
        Assert.Equal(problem, Passwords.Problem(password));

    [Fact]
    public void Passwords_longer_than_bcrypts_72_bytes_are_compared_whole()
    {
        var prefix = new string('a', 80);
        var hash = Passwords.Hash(prefix + "-one");

        Assert.True(Passwords.Verify(prefix + "-one", hash));
        Assert.False(Passwords.Verify(prefix + "-two", hash));
    }

    [Fact]
    public void Hashes_use_bcrypt_cost_11_and_no_hash_never_verifies()
    {
        Assert.StartsWith("$2a$11$", Passwords.Hash("correct horse battery staple"));
        Assert.False(Passwords.Verify("correct horse battery staple", null));
    }
}
