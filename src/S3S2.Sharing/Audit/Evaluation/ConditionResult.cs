namespace S3S2.Sharing.Audit.Evaluation;

/// <summary>A condition's outcome; <see cref="Unknown"/> when the operator or key is one the evaluator does not model.</summary>
internal enum ConditionResult
{
    False,
    True,
    Unknown,
}
