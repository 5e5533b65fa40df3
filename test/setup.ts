// aws-local-stepfunctions needs Promise.withResolvers (Node 22); the polyfill lives with the local engine.
import '#local/polyfills';

// The handlers' structured logs are for operators; tests read results, so keep only warnings and errors.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
