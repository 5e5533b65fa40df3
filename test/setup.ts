// aws-local-stepfunctions needs Promise.withResolvers (Node 22); the polyfill lives with the local engine.
import '#local/polyfills';
