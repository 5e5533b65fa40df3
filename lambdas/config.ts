import { z } from 'zod';

const EnvSchema = z.object({
  TABLE_NAME: z.string().min(3, 'TABLE_NAME must name the approvals table'),
  AWS_REGION: z.string().min(1, 'AWS_REGION is set by the Lambda runtime'),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
});
export type LambdaConfig = z.infer<typeof EnvSchema>;

/** Reads the Lambda environment once, naming every missing or bad variable in one message. */
export function loadLambdaConfig(env: NodeJS.ProcessEnv = process.env): LambdaConfig {
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid Lambda configuration: ${problems}`);
  }
  return result.data;
}
