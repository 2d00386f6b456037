import type { CorridorInfraProps } from './corridor';

/**
 * Deploy-time settings, read from the environment of `npx sst deploy` (SST v2 also loads `.env`,
 * `.env.<stage>` and their `.local` variants). Each name is documented in docs/deploy.md.
 */
export const settingNames = {
  emailDomain: 'CORRIDOR_EMAIL_DOMAIN',
  emailFrom: 'CORRIDOR_EMAIL_FROM',
  emailIdentity: 'CORRIDOR_EMAIL_IDENTITY',
  domainName: 'CORRIDOR_DOMAIN',
  certificateArn: 'CORRIDOR_CERTIFICATE_ARN',
  ffmpegLayerDir: 'CORRIDOR_FFMPEG_LAYER_DIR',
  alarmEmail: 'CORRIDOR_ALARM_EMAIL',
  reservedConcurrency: 'CORRIDOR_RESERVED_CONCURRENCY',
  uploadOrigins: 'CORRIDOR_UPLOAD_ORIGINS',
  retainData: 'CORRIDOR_RETAIN_DATA',
} as const;

/** The ffmpeg layer folder when CORRIDOR_FFMPEG_LAYER_DIR is not set (relative to the repository root). */
export const DEFAULT_FFMPEG_LAYER_DIR = 'layers/ffmpeg';

/**
 * Builds the construct's props for a stage from environment variables.
 * @throws Error naming each missing or malformed setting
 */
export function corridorPropsFromEnv(stage: string, env: NodeJS.ProcessEnv): CorridorInfraProps {
  const get = (name: keyof typeof settingNames) => {
    const value = env[settingNames[name]]?.trim();
    return value ? value : undefined;
  };
  const problems: string[] = [];
  const emailDomain = get('emailDomain');
  if (!emailDomain) problems.push(`${settingNames.emailDomain} is required (the domain Corridor sends email from)`);
  const identity = get('emailIdentity') ?? 'create';
  if (identity !== 'create' && identity !== 'existing')
    problems.push(`${settingNames.emailIdentity} must be "create" or "existing"`);
  const domainName = get('domainName');
  const certificateArn = get('certificateArn');
  if (Boolean(domainName) !== Boolean(certificateArn)) {
    problems.push(
      `${settingNames.domainName} and ${settingNames.certificateArn} go together (a us-east-1 ACM certificate for the domain)`,
    );
  }
  const reserved = get('reservedConcurrency') ?? 'on';
  if (reserved !== 'on' && reserved !== 'off') problems.push(`${settingNames.reservedConcurrency} must be "on" or "off"`);
  const retain = get('retainData');
  if (retain && retain !== 'true' && retain !== 'false') problems.push(`${settingNames.retainData} must be "true" or "false"`);
  if (problems.length > 0) throw new Error(`Corridor deploy settings for stage "${stage}":\n  ${problems.join('\n  ')}`);

  return {
    stage,
    email: { domain: emailDomain!, from: get('emailFrom'), identity: identity as 'create' | 'existing' },
    domainName,
    certificateArn,
    ffmpegLayerDir: get('ffmpegLayerDir') ?? DEFAULT_FFMPEG_LAYER_DIR,
    alarmEmail: get('alarmEmail'),
    reserveConcurrency: reserved === 'on',
    extraUploadOrigins: get('uploadOrigins')
      ?.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    retainData: retain ? retain === 'true' : stage === 'prod',
  };
}
