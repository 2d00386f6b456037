import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * AWS: "set the source queue's visibility timeout to at least six times the timeout that you configure on
 * your function", so a batch retried after throttling is not delivered twice while still running.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export const VISIBILITY_PER_FUNCTION_TIMEOUT = 6;

export interface WorkQueueProps {
  /** Timeout of the function that consumes this queue (sets the visibility timeout). */
  consumerTimeout: Duration;
  /** Receives before a message is dead-lettered. */
  maxReceiveCount: number;
  alarmAction?: cloudwatch.IAlarmAction;
}

/**
 * An encrypted, TLS-only SQS queue with a dead-letter queue kept 14 days and an alarm that fires as soon as
 * anything lands in it (a dead letter is a post, a photo or a parent's notification that did not happen).
 */
export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * VISIBILITY_PER_FUNCTION_TIMEOUT),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
    this.deadLetterAlarm = deadLetterAlarm(
      this,
      'DeadLettersAlarm',
      this.deadLetterQueue,
      `${id} (${Stack.of(this).stackName})`,
      props.alarmAction,
    );
  }
}

/** Fires when any message sits in a dead-letter queue. */
export function deadLetterAlarm(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  what: string,
  action: cloudwatch.IAlarmAction | undefined,
): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmDescription: `Corridor ${what}: messages in the dead-letter queue; inspect, fix, then redrive`,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  if (action) alarm.addAlarmAction(action);
  return alarm;
}
