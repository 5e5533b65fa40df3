import aslValidator from 'asl-validator';
import type { DefinitionProblem } from '#usecases/flow-editor-ports';

/**
 * What asl-validator finds wrong with a definition (ASL schema, JSONPath expressions and ARNs), as
 * DefinitionProblems; empty when it is valid. Validates a copy: the library writes into what it checks.
 */
export function aslProblems(definition: object): DefinitionProblem[] {
  const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
  if (result.isValid) return [];
  return result.errors.map((error) => ({
    path: typeof error.path === 'string' ? error.path.replace(/^\//, '').replace(/\//g, '.') : '',
    message: `${error['Error code']}: ${error.Message}`,
  }));
}
