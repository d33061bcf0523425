using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.SharedInterfaces;
using Amazon.SecurityToken;

namespace S3S2.Sharing.Storage;

/// <summary>The credentials of an uploader that assumes an IAM role (cross-account partners), and the checks of its settings.</summary>
internal static partial class AssumedRole
{
    /// <summary>The session name when none is given; the receiver sees it in CloudTrail.</summary>
    public const string DefaultSessionName = "s3s2-share";

    /// <summary>
    /// Credentials that call STS AssumeRole with the source credentials and refresh the temporary credentials well
    /// before they expire, so a long share never runs on expired keys (<see cref="AssumedRoleCredentials"/>).
    /// </summary>
    public static AWSCredentials Credentials(string roleArn, string? externalId, string? sessionName, AWSCredentials? source) => new AssumedRoleCredentials(
        source ?? DefaultAWSCredentialsIdentityResolver.GetCredentials(),
        roleArn,
        sessionName ?? DefaultSessionName,
        new AssumeRoleAWSCredentialsOptions { ExternalId = externalId });

    /// <summary>Whether <paramref name="value"/> has the form of an IAM role ARN.</summary>
    public static bool IsRoleArn(string? value) => value is not null && RoleArnPattern().IsMatch(value);

    /// <summary>Whether <paramref name="value"/> is an external id STS accepts.</summary>
    public static bool IsExternalId(string value) => ExternalIdPattern().IsMatch(value);

    /// <summary>Whether <paramref name="value"/> is a role session name STS accepts.</summary>
    public static bool IsSessionName(string value) => SessionNamePattern().IsMatch(value);

    /// <summary>Adds a message per problem of the role settings, naming the value and the fix.</summary>
    public static void Validate(string client, S3StoreOptions options, List<string> errors)
    {
        if (options.RoleArn is null)
        {
            if (options.RoleExternalId is not null || options.RoleSessionName is not null)
            {
                errors.Add($"{client}: S3 RoleExternalId or RoleSessionName is set without RoleArn. Set RoleArn to the role to assume, or remove them.");
            }

            return;
        }

        if (!IsRoleArn(options.RoleArn))
        {
            errors.Add($"{client}: S3 RoleArn '{options.RoleArn}' is not an IAM role ARN. Use the ARN the receiver gave, for example 'arn:aws:iam::111122223333:role/BigDataRider'.");
        }

        if (options.RoleExternalId is not null && !IsExternalId(options.RoleExternalId))
        {
            errors.Add($"{client}: S3 RoleExternalId must be 2 to 1224 characters of letters, digits and +=,.@:/-. Use the external id the receiver gave.");
        }

        if (options.RoleSessionName is not null && !IsSessionName(options.RoleSessionName))
        {
            errors.Add($"{client}: S3 RoleSessionName '{options.RoleSessionName}' must be 2 to 64 characters of letters, digits and +=,.@-. Use for example '{DefaultSessionName}'.");
        }
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]{1,512}$", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@:/-]{2,1224}$", RegexOptions.CultureInvariant)]
    private static partial Regex ExternalIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]{2,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex SessionNamePattern();
}

/// <summary>
/// What the AWS SDK's <see cref="AssumeRoleAWSCredentials"/> does (AssumeRole with the source credentials, in the
/// default region or us-east-1; new credentials 15 minutes before the old expire), on an STS client built here. The
/// SDK's class loads its STS client by reflection at run time, which a native (AOT) build of a program cannot do
/// unless the program registers one for the whole process; this one needs neither.
/// </summary>
internal sealed class AssumedRoleCredentials : RefreshingAWSCredentials
{
    private readonly ICoreAmazonSTS _sts;
    private readonly string _roleArn;
    private readonly string _sessionName;
    private readonly AssumeRoleAWSCredentialsOptions _options;

    public AssumedRoleCredentials(AWSCredentials source, string roleArn, string sessionName, AssumeRoleAWSCredentialsOptions options)
    {
        _sts = new AmazonSecurityTokenServiceClient(source, new AmazonSecurityTokenServiceConfig { RegionEndpoint = FallbackRegionFactory.GetRegionEndpoint() ?? RegionEndpoint.USEast1 });
        _roleArn = roleArn;
        _sessionName = sessionName;
        _options = options;
        PreemptExpiryTime = TimeSpan.FromMinutes(15);
    }

    protected override CredentialsRefreshState GenerateNewCredentials()
    {
        var credentials = _sts.CredentialsFromAssumeRoleAuthentication(_roleArn, _sessionName, _options);
        return new CredentialsRefreshState(credentials, credentials.Expiration);
    }

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var credentials = await _sts.CredentialsFromAssumeRoleAuthenticationAsync(_roleArn, _sessionName, _options).ConfigureAwait(false);
        return new CredentialsRefreshState(credentials, credentials.Expiration);
    }
}
