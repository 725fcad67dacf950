using System.Security.Cryptography;
using System.Text;

namespace BazaarCstd.MigrationService.DemoData;

/// <summary>
/// Name-based ids (RFC 9562 version 8 over SHA-256): the same name always gives the same id, so a
/// second run of the generator, or a test, can name the demo rows without reading them back.
/// </summary>
public static class DeterministicGuid
{
    public static Guid Create(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("bazaar-demo-data/" + name), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
