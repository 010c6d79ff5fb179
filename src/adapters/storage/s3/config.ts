// Configuration of an S3 backend, as the operator writes it. Secrets never
// appear in it: it names the environment variables that hold them.
import { z } from 'zod';
import { ValidationError, type FieldProblem } from '@shredproof/verify';
import type { S3BackendOptions } from './s3-backend.js';

export const S3BackendConfig = z.strictObject({
  kind: z.literal('s3'),
  bucket: z.string().min(3),
  region: z.string().optional(),
  endpoint: z.string().url().optional(),
  forcePathStyle: z.boolean().optional(),
  accessKeyIdEnv: z.string().optional(),
  secretAccessKeyEnv: z.string().optional(),
  /** The store's name in certificates (targets[].system); checked, and derived when absent, by src/config/system-identity.ts. */
  system: z.string().optional(),
});
export type S3BackendConfig = z.infer<typeof S3BackendConfig>;

/**
 * S3Backend options from a parsed configuration and the environment. Both
 * variable names or neither (then the SDK's default chain applies); a named
 * variable that is unset or empty is an error that names the variable, never a value.
 */
export function s3BackendOptions(name: string, config: S3BackendConfig, env: NodeJS.ProcessEnv = process.env): S3BackendOptions {
  const problems: FieldProblem[] = [];
  const { accessKeyIdEnv: idVar, secretAccessKeyEnv: secretVar } = config;
  if ((idVar === undefined) !== (secretVar === undefined)) {
    const missing = idVar === undefined ? 'accessKeyIdEnv' : 'secretAccessKeyEnv';
    problems.push({ path: `$.backends.${name}.${missing}`, problem: 'give both accessKeyIdEnv and secretAccessKeyEnv, or neither' });
  }
  const read = (variable: string | undefined, field: string): string | undefined => {
    if (variable === undefined) return undefined;
    const value = env[variable];
    if (value === undefined || value === '') problems.push({ path: `$.backends.${name}.${field}`, problem: `environment variable ${variable} is not set` });
    return value;
  };
  const accessKeyId = read(idVar, 'accessKeyIdEnv');
  const secretAccessKey = read(secretVar, 'secretAccessKeyEnv');
  if (problems.length > 0) throw new ValidationError(`invalid s3 backend ${name}`, problems);
  return {
    name,
    bucket: config.bucket,
    ...(config.region !== undefined ? { region: config.region } : {}),
    ...(config.endpoint !== undefined ? { endpoint: config.endpoint } : {}),
    ...(config.forcePathStyle !== undefined ? { forcePathStyle: config.forcePathStyle } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
  };
}
