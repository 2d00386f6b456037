#!/usr/bin/env node
// The `corridor` command: registers tsx so the TypeScript CLI runs without a build step.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { register } = await import('tsx/esm/api');
register();
await import('./main.ts');
