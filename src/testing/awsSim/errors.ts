/**
 * An AWS error as the services return it: a code from the service's documented error list, a
 * message, an HTTP status and whether the caller (`Sender`) or the service (`Receiver`) is at fault.
 * Handlers throw it; the protocol writers render it in each protocol's error shape.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}

/** awsQuery services' generic input error (Auto Scaling, ELB, IAM, STS, CloudWatch). */
export const validationError = (message: string): AwsError => new AwsError('ValidationError', message);
/** EC2's generic input error. */
export const invalidParameterValue = (message: string): AwsError => new AwsError('InvalidParameterValue', message);
export const missingParameter = (message: string): AwsError => new AwsError('MissingParameter', message);
