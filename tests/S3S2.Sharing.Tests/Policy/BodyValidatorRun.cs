using S3S2.Sharing.Policy;

namespace S3S2.Sharing.Tests.Policy;

/// <summary>Feeds a body to a validator in slices of a given size, as reads of a stream would arrive.</summary>
internal static class BodyValidatorRun
{
    public static string? Feed(IBodyValidator validator, ReadOnlySpan<byte> body, int slice)
    {
        for (var position = 0; position < body.Length; position += slice)
        {
            if (validator.Append(body.Slice(position, Math.Min(slice, body.Length - position))) is { } problem)
            {
                return problem;
            }
        }

        return validator.Complete();
    }
}
