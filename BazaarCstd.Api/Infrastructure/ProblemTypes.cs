namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Stable problem <c>type</c> URIs. Clients switch on these, so they never change once published.
/// </summary>
public static class ProblemTypes
{
    private const string Base = "https://bazaar.example/problems/";

    public const string BadRequest = Base + "bad-request";
    public const string PayloadTooLarge = Base + "payload-too-large";
    public const string Validation = Base + "validation";
    public const string NotFound = Base + "not-found";
    public const string Conflict = Base + "conflict";
    public const string InsufficientStock = Base + "insufficient-stock";
    public const string Archived = Base + "archived";
    public const string CountMismatch = Base + "count-mismatch";
    public const string StockHistoryFrozen = Base + "stock-history-frozen";
    public const string BackdatingLimit = Base + "backdating-limit";
    public const string CountBeforeLastCount = Base + "count-before-last-count";
    public const string DuplicateSku = Base + "duplicate-sku";
    public const string DuplicateCode = Base + "duplicate-code";
    public const string DuplicateBarcode = Base + "duplicate-barcode";
    public const string PreconditionFailed = Base + "precondition-failed";
    public const string IdempotencyKeyReuse = Base + "idempotency-key-reuse";
    public const string IdempotencyInProgress = Base + "idempotency-in-progress";
    public const string DuplicateEmail = Base + "duplicate-email";
    public const string Unauthorized = Base + "unauthorized";
    public const string Forbidden = Base + "forbidden";
    public const string PasswordChangeRequired = Base + "password-change-required";
    public const string RegistrationClosed = Base + "registration-closed";
    public const string TooManyRequests = Base + "too-many-requests";
    public const string StorageNotReady = Base + "storage-not-ready";
    public const string MessagingUnavailable = Base + "messaging-unavailable";
    public const string ReadTimeout = Base + "read-timeout";
    public const string Busy = Base + "busy";
    public const string Internal = Base + "internal";
}
