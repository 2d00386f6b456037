import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * The real Powertools logger and metrics (aws/telemetry.ts), their output read back as JSON the way
 * CloudWatch reads it: one object per line, context and keys on the log lines, EMF on the metric line.
 */
const context = {
  functionName: 'corridor-deliver',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:corridor-deliver',
  memoryLimitInMB: '1769',
  awsRequestId: 'req-1',
} as Context;

/** What the process writes (errors go to stderr, the rest to stdout), one parsed JSON object per line. */
function captureStdout() {
  const lines: Record<string, unknown>[] = [];
  const write = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(write),
    vi.spyOn(process.stderr, 'write').mockImplementation(write),
  ];
  return {
    lines,
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

describe('telemetry (Powertools)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('puts the Lambda context and the post and school ids on every line logged during the work', async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'corridor-deliver'; // as on Lambda, one invocation at a time
    const { instrumented, logger, withKeys } = await import('../../../functions/aws/telemetry');
    const out = captureStdout();
    await instrumented(context, () =>
      withKeys({ postId: 'p1', schoolId: 'hillside' }, async () => logger.error('delivering failed', { family: 'f1' })),
    );
    logger.error('after the work');
    out.restore();
    expect(out.lines[0]).toMatchObject({
      level: 'ERROR',
      message: 'delivering failed',
      function_name: 'corridor-deliver',
      function_request_id: 'req-1',
      postId: 'p1',
      schoolId: 'hillside',
      family: 'f1',
    });
    expect(out.lines[1]).not.toHaveProperty('postId');
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  });

  it('a job that learns its school from the post it reads names the school on every later line of the run', async () => {
    vi.resetModules();
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'corridor-fanout';
    const { addKeys, instrumented, logger, withKeys } = await import('../../../functions/aws/telemetry');
    const out = captureStdout();
    await instrumented(context, () =>
      withKeys({ postId: 'p3' }, async () => {
        logger.info('reading the post');
        addKeys({ schoolId: 'hillside' });
        logger.info('rendering');
      }),
    );
    logger.info('next job');
    out.restore();
    expect(out.lines[0]).toMatchObject({ message: 'reading the post', postId: 'p3' });
    expect(out.lines[0]).not.toHaveProperty('schoolId');
    expect(out.lines[1]).toMatchObject({ message: 'rendering', postId: 'p3', schoolId: 'hillside' });
    expect(out.lines[2]).not.toHaveProperty('schoolId');
    expect(out.lines[2]).not.toHaveProperty('postId');
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  });

  it('in one process running many handlers at once (the embedded default), lines carry no borrowed context or keys', async () => {
    vi.resetModules();
    const { instrumented, logger, withKeys } = await import('../../../functions/aws/telemetry');
    const out = captureStdout();
    await instrumented({ ...context, functionName: 'media' }, () =>
      withKeys({ postId: 'p2' }, async () => logger.info('processing', { mediaId: 'm1' })),
    );
    out.restore();
    expect(out.lines[0]).toMatchObject({ message: 'processing', mediaId: 'm1' });
    expect(out.lines[0]).not.toHaveProperty('function_name');
    expect(out.lines[0]).not.toHaveProperty('postId');
  });

  it('publishes the figures of an invocation as CloudWatch EMF, also when the work failed', async () => {
    vi.resetModules();
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const { count, instrumented } = await import('../../../functions/aws/telemetry');
    const out = captureStdout();
    await expect(
      instrumented(context, async () => {
        count('deliveriesSent', 3);
        count('deliveriesFailed');
        throw new Error('push service down');
      }),
    ).rejects.toThrow('push service down');
    out.restore();
    const emf = out.lines.find((line) => '_aws' in line) as {
      _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string; Unit: string }[] }[] };
      DeliveriesSent: number;
      DeliveriesFailed: number;
    };
    expect(emf._aws.CloudWatchMetrics[0]?.Namespace).toBe('Corridor');
    expect(emf._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name).sort()).toEqual(['DeliveriesFailed', 'DeliveriesSent']);
    expect(emf.DeliveriesSent).toBe(3);
    expect(emf.DeliveriesFailed).toBe(1);
  });
});
