import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * Lambda runtime for every Corridor function. nodejs20.x can no longer be created in AWS (since 2026-06,
 * see docs/architecture.md) and 24 is the current LTS runtime; the code itself is tested on Node 20 locally, so it
 * must not rely on anything newer than both.
 */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Graviton: sharp and ffmpeg ship arm64 builds, and arm64 GB-seconds cost 20% less than x86_64. */
export const LAMBDA_ARCHITECTURE = lambda.Architecture.ARM_64;

/** esbuild target matching {@link LAMBDA_RUNTIME}; the bundle-size test builds with the same options. */
export const ESBUILD_TARGET = 'node24';

/** The source of the parents' message catalogues, relative to the project root. */
export const CATALOGUES_SOURCE = 'functions/core/i18n/catalogues';

/** Copies the catalogues beside a bundle (`<bundle>/catalogues/<locale>.json`, where messages.ts reads them). */
export const catalogueCopyCommand = (inputDir: string, outputDir: string) =>
  `mkdir -p "${outputDir}/catalogues" && cp "${inputDir}/${CATALOGUES_SOURCE}/"*.json "${outputDir}/catalogues/"`;

/**
 * esbuild options shared by every function and by `test/infra/bundle.test.ts`, so what the test measures
 * is what ships.
 * - CommonJS output: native `require`/`__dirname` exist, which Emscripten modules (libheif-js, used by
 *   heic-decode) read at load time; ESM output would need banner shims that can collide with bundled code.
 * - `@aws-sdk/*` is external: the nodejs24.x runtime ships AWS SDK v3, and bundling it would put the API
 *   well past its 500 KB budget. The runtime's SDK is newer than the lockfile's pin; the code only uses
 *   stable v3 commands.
 */
export const bundlingDefaults = {
  target: ESBUILD_TARGET,
  format: nodejs.OutputFormat.CJS,
  minify: true,
  // The parents' catalogues are in twelve languages, mostly non-Latin scripts: esbuild's default (ASCII)
  // writes each of those characters as a 6-byte \u escape, about 140 kB of the API bundle for nothing.
  // Node reads UTF-8 source as is.
  charset: nodejs.Charset.UTF8,
  sourceMap: true,
  sourcesContent: false,
  // onnxruntime-node (the face detector's runtime) is a native module esbuild cannot bundle. The sweeper
  // reaches the detector's module through the media worker's imports without ever searching; only the
  // media workers ship the runtime beside their bundle (faceBundling).
  externalModules: ['@aws-sdk/*', 'onnxruntime-node'],
  // messages.ts finds its catalogues through __dirname in this CommonJS bundle and through import.meta.url
  // only in the ES-module source, which esbuild would warn about (import.meta is empty in CommonJS).
  esbuildArgs: { '--log-override:empty-import-meta': 'silent' },
  commandHooks: {
    beforeBundling: () => [],
    beforeInstall: () => [],
    // The parents' words are read from disk per language (functions/core/i18n/messages.ts), not bundled.
    afterBundling: (inputDir: string, outputDir: string) => [catalogueCopyCommand(inputDir, outputDir)],
  },
} as const satisfies nodejs.BundlingOptions;

/**
 * sharp is a native module: esbuild cannot bundle it, so it is installed into the bundle by `npm ci`
 * (NodejsFunction `nodeModules`) with npm told the *target* platform. npm then picks the
 * `@img/sharp-linux-arm64` + `@img/sharp-libvips-linux-arm64` optional dependencies from the lockfile
 * whatever the machine that deploys. (Not SST's `nodejs.install`, which pins an old sharp — docs/architecture.md.)
 */
export const sharpBundling = {
  ...bundlingDefaults,
  nodeModules: ['sharp'],
  environment: { npm_config_os: 'linux', npm_config_cpu: 'arm64', npm_config_libc: 'glibc' },
} as const satisfies nodejs.BundlingOptions;

/**
 * The face detector (functions/core/media/faces) is bundled into the media workers by esbuild, but what
 * it reads from disk cannot be: the model (yunet.onnx, copied into `faces/`, which the workers find through
 * CORRIDOR_FACE_ASSETS) and ONNX Runtime, a native module. onnxruntime-node is left external and copied
 * into the asset's node_modules, trimmed to its JavaScript and the one platform's binaries Lambda runs
 * (linux-arm64: the binding and libonnxruntime.so, ~25 MB). Installing it instead (`nodeModules`) would
 * bring its 288 MB of binaries for every platform and break Lambda's 250 MB limit — and its postinstall
 * downloads CUDA binaries.
 */
export const FACE_ASSETS_DIR = 'faces';
export const FACE_ASSETS_ON_LAMBDA = `/var/task/${FACE_ASSETS_DIR}`;
/** The model, relative to the project root (copied into `faces/`). */
export const FACE_MODEL_FILE = 'functions/core/media/faces/yunet.onnx';
export const ONNX_RUNTIME = 'onnxruntime-node';
/** What of ONNX Runtime a Lambda needs, relative to the project root and, the same, to the asset. */
export const onnxRuntimeFiles = (arch: 'arm64' | 'x64' = 'arm64') => [
  `node_modules/${ONNX_RUNTIME}/package.json`,
  `node_modules/${ONNX_RUNTIME}/dist`,
  `node_modules/${ONNX_RUNTIME}/bin/napi-v6/linux/${arch}`,
  'node_modules/onnxruntime-common/package.json',
  'node_modules/onnxruntime-common/dist/cjs',
];

/** The shell commands that copy the detector's files beside a bundle (arm64 on Lambda; the test's own arch). */
export const faceCopyCommands = (inputDir: string, outputDir: string, arch: 'arm64' | 'x64' = 'arm64') => [
  `mkdir -p "${outputDir}/${FACE_ASSETS_DIR}"`,
  `cp "${inputDir}/${FACE_MODEL_FILE}" "${outputDir}/${FACE_ASSETS_DIR}/"`,
  ...onnxRuntimeFiles(arch).map(
    (file) => `mkdir -p "$(dirname "${outputDir}/${file}")" && cp -R "${inputDir}/${file}" "${outputDir}/${file}"`,
  ),
];

/** The media workers' bundling: sharp installed for linux-arm64, the face detector's files copied. */
export const faceBundling = {
  ...sharpBundling,
  commandHooks: {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) => faceCopyCommands(inputDir, outputDir),
  },
} as const satisfies nodejs.BundlingOptions;

/**
 * The API: sharp beside the bundle (the artwork, a school's logo), and heic-decode too — a head's logo may
 * be an iPhone photo, and libheif's ~2 MB of JavaScript-wrapped WASM would otherwise be parsed at every
 * cold start of every API request, for the rare HEIC logo (test/infra/bundle.test.ts keeps the budget).
 */
export const apiBundling = {
  ...sharpBundling,
  nodeModules: [...sharpBundling.nodeModules, 'heic-decode'],
} as const satisfies nodejs.BundlingOptions;

/** The handler files (under `functions/handlers/`) that Corridor deploys. */
export const handlerNames = ['api', 'media', 'segments', 'fanout', 'deliver', 'sweeper', 'digest', 'email-events'] as const;
export type HandlerName = (typeof handlerNames)[number];

export interface CorridorFunctionProps {
  /** Absolute path of the entry file (exports `handler`). */
  entry: string;
  /** Repository root: where package.json and package-lock.json are. */
  projectRoot: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  /** Powertools service name, e.g. `corridor-api`. */
  serviceName: string;
  bundling?: nodejs.BundlingOptions;
  layers?: lambda.ILayerVersion[];
  ephemeralStorageSize?: number;
  reservedConcurrentExecutions?: number;
  retainLogs: boolean;
  alarmTopic?: cloudwatch.IAlarmAction;
}

/**
 * One Corridor Lambda: arm64, {@link LAMBDA_RUNTIME}, Powertools environment, its own log group with a
 * retention, its own role that may write only to that log group (no AWSLambdaBasicExecutionRole with its
 * `logs:*` on `*`), and an alarm on errors. Data permissions are added by the caller, one statement each.
 */
export class CorridorFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly errorsAlarm: cloudwatch.Alarm;
  /** The bundling options this function was built with (the bundle tests read them). */
  readonly bundling: nodejs.BundlingOptions;

  constructor(scope: Construct, id: string, props: CorridorFunctionProps) {
    super(scope, id);
    if (!existsSync(props.entry)) {
      const shown = isAbsolute(props.entry) ? relative(props.projectRoot, props.entry) : props.entry;
      throw new Error(`Corridor infra: the handler ${shown} does not exist; ${id} cannot be deployed without it.`);
    }
    this.bundling = props.bundling ?? bundlingDefaults;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Corridor ${props.serviceName}: only what this function uses`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      layers: props.layers,
      ephemeralStorageSize: props.ephemeralStorageSize ? Size.mebibytes(props.ephemeralStorageSize) : undefined,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      bundling: this.bundling,
      environment: {
        ...props.environment,
        // https://docs.powertools.aws.dev/lambda/typescript/latest/environment-variables/
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: 'Corridor',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    this.errorsAlarm = new cloudwatch.Alarm(this, 'Errors', {
      alarmDescription: `Corridor ${props.serviceName} (${Stack.of(this).stackName}): invocations failed`,
      metric: this.fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) this.errorsAlarm.addAlarmAction(props.alarmTopic);
  }

  /** Adds one least-privilege statement to this function's role. */
  allow(actions: string[], resources: string[], conditions?: Record<string, Record<string, unknown>>): this {
    this.role.addToPolicy(new iam.PolicyStatement({ actions, resources, conditions }));
    return this;
  }
}
