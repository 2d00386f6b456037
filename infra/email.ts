import { Arn, Stack } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface EmailProps {
  /** Domain Corridor sends from, e.g. `corridor.example-trust.org.uk`. */
  domain: string;
  /**
   * `create` makes the SES domain identity here (DKIM records are stack outputs). `existing` uses one
   * already verified in this account and region (CloudFormation cannot adopt it).
   */
  identity: 'create' | 'existing';
  /** Where bounce and complaint events go (consumed by the email-events function). */
  eventsQueue: sqs.IQueue;
}

/**
 * SES: a configuration set that every message is sent through, with
 * - SES's own suppression for bounces and complaints (the account-level list: a bounced address is not
 *   sent to again even if the application has not caught up), and
 * - an event destination: BOUNCE and COMPLAINT → SNS topic → SQS (raw delivery: the message body is the
 *   SES event JSON, `eventType: "Bounce" | "Complaint"`) → the email-events function, which marks the
 *   family's address suppressed in the table.
 * https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
 */
export class Email extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly eventsTopic: sns.Topic;
  readonly identity: ses.IEmailIdentity;
  /** DKIM CNAME records to publish in DNS (only when the identity is created here). */
  readonly dkimRecords: ses.DkimRecord[];
  /** The resources `ses:SendEmail` must name: the identity and the configuration set. */
  readonly sendResources: string[];

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    this.eventsTopic = new sns.Topic(this, 'Events', { displayName: 'Corridor SES bounces and complaints', enforceSSL: true });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(this.eventsTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    this.eventsTopic.addSubscription(new subscriptions.SqsSubscription(props.eventsQueue, { rawMessageDelivery: true }));

    if (props.identity === 'create') {
      const created = new ses.EmailIdentity(this, 'Identity', {
        identity: ses.Identity.domain(props.domain),
        configurationSet: this.configurationSet,
      });
      this.identity = created;
      this.dkimRecords = created.dkimRecords;
    } else {
      this.identity = ses.EmailIdentity.fromEmailIdentityName(this, 'Identity', props.domain);
      this.dkimRecords = [];
    }
    const stack = Stack.of(this);
    this.sendResources = [
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: props.domain }),
      Arn.format(
        { service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName },
        stack,
      ),
    ];
  }
}
