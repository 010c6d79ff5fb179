// Operator configuration of a Redis backend, for the lead to wire into
// src/config/backends-config.ts. The URL is named by an environment variable,
// never written in the config file, because it may carry a password.
import { z } from 'zod';

export const RedisBackendConfig = z.strictObject({
  kind: z.literal('redis'),
  /** Name of the environment variable that holds the redis:// or rediss:// URL. */
  urlEnv: z.string(),
  /** Every key this backend sees starts with this prefix; locators are the rest of the key. */
  keyPrefix: z.string().optional(),
  /** The store's name in certificates (targets[].system); checked, and derived when absent, by src/config/system-identity.ts. */
  system: z.string().optional(),
});

export type RedisBackendConfig = z.infer<typeof RedisBackendConfig>;
