import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';

let corridor: TestCorridor;
beforeAll(async () => {
  corridor = await startTestCorridor();
});
afterAll(() => corridor?.stop());

/** Runs the real `corridor` bin (the file `npx corridor` runs). */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['functions/cli/bin.js', ...args],
      {
        env: {
          ...process.env,
          CORRIDOR_URL: corridor.url,
          CORRIDOR_TOKEN: corridor.token,
          CORRIDOR_DATA_DIR: corridor.dataDir,
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the corridor CLI', () => {
  it('posts a photo with progress, waits until it is live and prints its URL', async () => {
    const result = await cli([
      'post',
      '--school',
      'demo',
      '--audience',
      'public',
      '--caption',
      'From the CLI',
      '--alt',
      'A painting',
      corpusPath('photo_android_pixel_gps.jpg'),
    ]);
    expect(result.stderr).toContain('Uploading photo_android_pixel_gps.jpg');
    expect(result.stderr).toMatch(/100% 4\.1\/4\.1 MB/);
    expect(result.stderr).toContain('Published.');
    expect(result.code).toBe(0);
    const url = result.stdout.trim();
    expect(url).toMatch(new RegExp(`^${corridor.url}/p/[\\w-]+$`));
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('From the CLI');
    const feed = await (await corridor.fetch('/s/demo/feed.json')).text();
    expect(feed).toContain(url);
  });

  it('blurs faces with --faces blur, per file, and says what it found', async () => {
    const result = await cli([
      'post',
      '--audience',
      'public',
      '--faces',
      'blur',
      '--faces',
      'keep',
      corpusPath('group_faces_window.jpg'),
      corpusPath('group_faces_stairs.jpg'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Photo 1: \d+ faces found, all blurred\./);
    expect(result.stderr).toMatch(/Photo 2: \d+ faces found, none blurred\./);
    const wrong = await cli(['post', '--audience', 'public', '--faces', 'hide', corpusPath('group_faces_stairs.jpg')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('--faces is blur or keep, not "hide".');
  });

  it('returns at once with --no-wait', async () => {
    const result = await cli([
      'post',
      '--audience',
      'school',
      '--caption',
      'No waiting',
      '--no-wait',
      corpusPath('orient_landscape_1.jpg'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('is processing');
  });

  it('exits non-zero with a one-line reason for a damaged photo', async () => {
    const result = await cli(['post', '--audience', 'public', corpusPath('jpeg_corrupt_header.jpg')]);
    expect(result.code).toBe(1);
    const reason = result.stderr.trim().split('\n').at(-1) ?? '';
    expect(reason).toMatch(/^corridor: Not published: This file is damaged/);
  });

  it('exits non-zero with a reason for a token of another school, a missing file and no token', async () => {
    expect((await cli(['post', '--school', 'elsewhere', '--audience', 'public', '--caption', 'x'])).stderr).toContain(
      'belongs to school "demo"',
    );
    expect((await cli(['post', '--audience', 'public', 'no-such-file.jpg'])).stderr).toContain('no-such-file.jpg: no such file');
    const noToken = await cli(['post', '--audience', 'public', '--caption', 'x'], { CORRIDOR_TOKEN: '' });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('CORRIDOR_TOKEN is not set');
  });

  it('has --help on every command', async () => {
    expect((await cli(['--help'])).stdout).toContain('Commands:');
    for (const command of ['post', 'status', 'retract', 'token', 'join-links']) {
      const help = await cli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: corridor ${command}`);
    }
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
  });

  it('creates a working staff token while the server runs (local admin command)', async () => {
    const created = await cli(['token', 'create', '--school', 'demo', '--role', 'staff', '--label', 'Ms Smith']);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^crd_/);
    const posted = await cli(['post', '--audience', 'public', '--caption', 'staff post'], { CORRIDOR_TOKEN: token });
    expect(posted.code).toBe(0);
    const revoked = await cli(['token', 'revoke', token]);
    expect(revoked.code).toBe(0);
    const refused = await cli(['post', '--audience', 'public', '--caption', 'after revoke'], { CORRIDOR_TOKEN: token });
    expect(refused.stderr).toContain('not valid');
  });

  it('shows status and retracts', async () => {
    const posted = await cli(['post', '--audience', 'public', '--caption', 'to retract', corpusPath('orient_portrait_1.jpg')]);
    expect(posted.code, posted.stderr).toBe(0);
    const postId = posted.stdout.trim().split('/').at(-1) ?? '';
    const status = await cli(['status', postId]);
    expect(status.stdout).toContain(`post ${postId}: Published on every channel`);
    expect(status.stdout).toContain('file 1: image — Ready');
    const retracted = await cli(['retract', postId]);
    expect(retracted.code).toBe(0);
    expect(retracted.stderr).toMatch(/gone from every channel in \d+ ms/);
    expect((await cli(['status', postId])).stdout).toMatch(/Retracted: gone from every channel \(in \d+ ms\)/);
    expect((await corridor.fetch(`/p/${postId}`)).status).toBe(404);
    expect(await (await corridor.fetch('/s/demo/feed.json')).text()).not.toContain(postId);
  });

  it('lists join links and replaces a leaked one, whose page then 404s', async () => {
    const listed = await cli(['join-links']);
    expect(listed.code).toBe(0);
    const rows = listed.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ['reception', 'Reception'],
      ['year-1', 'Year 1'],
      ['year-2', 'Year 2'],
    ]);
    const old = rows[2]?.[2] ?? '';
    expect((await fetch(old)).status).toBe(200);

    const rotated = await cli(['join-links', '--rotate', 'year-2']);
    expect(rotated.code).toBe(0);
    expect(rotated.stderr).toContain('families who already joined stay joined');
    const [classId, name, url, png, svg] = rotated.stdout.trim().split('\t');
    expect([classId, name, png, svg]).toEqual(['year-2', 'Year 2', `${url}/qr.png`, `${url}/qr.svg`]);
    expect(url).not.toBe(old);
    expect((await fetch(old)).status).toBe(404);
    expect((await fetch(url ?? '')).status).toBe(200);
    expect((await cli(['join-links'])).stdout).toContain(`year-2\tYear 2\t${url}\t`);

    const unknown = await cli(['join-links', '--rotate', 'year-9']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('corridor: There is no such class in your school.');
  });

  it('has --help on the operators’ commands', { timeout: 180_000 }, async () => {
    for (const command of ['operator', 'school', 'trust']) {
      const help = await cli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: corridor ${command}`);
    }
  });

  it('mints an operator token locally, who then creates a trust and a school over the API', { timeout: 300_000 }, async () => {
    const minted = await cli(['operator', 'token', 'create', '--label', 'Trust IT']);
    expect(minted.code, minted.stderr).toBe(0);
    const operator = minted.stdout.trim();
    expect(operator).toMatch(/^crd_/);
    const asOperator = { CORRIDOR_TOKEN: operator };

    const trust = await cli(['trust', 'create', '--id', 'east', '--name', 'East Trust'], asOperator);
    expect(trust.code, trust.stderr).toBe(0);
    expect(trust.stdout.trim()).toBe(`${corridor.url}/w/east`);
    expect((await cli(['trust', 'list'], asOperator)).stdout).toBe('east\tEast Trust\n');

    const created = await cli(
      ['school', 'create', '--id', 'hillside', '--name', 'Hillside Primary', '--classes', 'Reception, Year 1,Year 2'],
      asOperator,
    );
    expect(created.code).toBe(1);
    expect(created.stderr).toContain('Missing --admin');
    const made = await cli(
      [
        'school',
        'create',
        '--id',
        'hillside',
        '--name',
        'Hillside Primary',
        '--classes',
        'Reception, Year 1,Year 2',
        '--admin',
        'head@hillside.example',
        '--trust',
        'east',
      ],
      asOperator,
    );
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain('head@hillside.example has been emailed a link to sign in as its admin');
    expect(made.stdout).toContain('classes    Reception, Year 1, Year 2');

    const listed = await cli(['school', 'list'], asOperator);
    expect(listed.stdout).toBe(
      'demo\tDemo Primary School\tEurope/London\t-\t3\nhillside\tHillside Primary\tEurope/London\teast\t3\n',
    );
    const shown = await cli(['school', 'show', 'hillside'], asOperator);
    expect(shown.stdout).toContain('admin      head@hillside.example (invited, has not signed in yet)');
    expect(shown.stdout).toContain('trust      east; public posts not on its wall');
    const updated = await cli(['school', 'update', 'hillside', '--name', 'Hillside Academy', '--no-trust'], asOperator);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toContain('Hillside Academy (hillside)');
    expect(updated.stdout).toContain('trust      none');

    // A school's admin token is refused, in words.
    const refused = await cli(['school', 'list']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Only an operator of this Corridor can list schools');
  });

  it('mints the first operator token on AWS from the stack output, through the real SDK clients', {
    timeout: 180_000,
  }, async () => {
    // CloudFormation has no emulator: a local endpoint answers DescribeStacks (awsQuery) as AWS does, and
    // the DynamoDB client is pointed at the emulator the same way (AWS_ENDPOINT_URL_<SERVICE>), so the
    // CLI runs exactly its AWS code path: the real CloudFormation and DynamoDB clients, no endpoint in code.
    const asked: string[] = [];
    const cloudFormation = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const form = new URLSearchParams(body);
        asked.push(`${form.get('Action')} ${form.get('StackName')}`);
        const found = form.get('StackName') === 'test-corridor-Corridor';
        response.writeHead(found ? 200 : 400, { 'content-type': 'text/xml' });
        response.end(
          found
            ? `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>
<StackName>test-corridor-Corridor</StackName><StackId>arn:aws:cloudformation:eu-west-2:123456789012:stack/test-corridor-Corridor/1</StackId>
<CreationTime>2027-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus>
<Outputs><member><OutputKey>CorridorTableName</OutputKey><OutputValue>corridor</OutputValue></member></Outputs>
</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`
            : `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code>
<Message>Stack with id ${form.get('StackName')} does not exist</Message></Error><RequestId>2</RequestId></ErrorResponse>`,
        );
      });
    });
    await new Promise<void>((resolve) => cloudFormation.listen(0, '127.0.0.1', resolve));
    const aws = {
      AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${(cloudFormation.address() as AddressInfo).port}`,
      AWS_ENDPOINT_URL_DYNAMODB: corridor.local.emulators.dynamoEndpoint,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: 'eu-west-2',
      // Not the local data: a data folder with nothing in it proves the token went through AWS's path.
      CORRIDOR_DATA_DIR: '/nonexistent',
    };
    try {
      const minted = await cli(['operator', 'token', 'create', '--stage', 'test', '--label', 'AWS operator'], aws);
      expect(minted.code, minted.stderr).toBe(0);
      expect(minted.stderr).toContain('(table corridor)');
      const listed = await cli(['school', 'list'], { CORRIDOR_TOKEN: minted.stdout.trim() });
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain('demo\tDemo Primary School');

      const wrong = await cli(['operator', 'token', 'create', '--stage', 'nope'], aws);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('There is no stack "nope-corridor-Corridor" in eu-west-2');
      expect(asked).toEqual(['DescribeStacks test-corridor-Corridor', 'DescribeStacks nope-corridor-Corridor']);
    } finally {
      cloudFormation.close();
    }
  });
});
