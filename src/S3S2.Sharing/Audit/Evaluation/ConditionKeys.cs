namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>The condition keys the audit puts into a request, as IAM and S3 name them.</summary>
internal static class ConditionKeys
{
    public const string SecureTransport = "aws:SecureTransport";
    public const string PrincipalArn = "aws:PrincipalArn";
    public const string PrincipalAccount = "aws:PrincipalAccount";
    public const string ServerSideEncryption = "s3:x-amz-server-side-encryption";
    public const string ServerSideEncryptionKmsKeyId = "s3:x-amz-server-side-encryption-aws-kms-key-id";
}
