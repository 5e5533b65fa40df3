// asl-validator 4 ships no type declarations; this covers the one function it exports (CommonJS `module.exports`).
declare module 'asl-validator' {
  namespace aslValidator {
    /**
     * When omitted entirely both checks are on; once an options object is passed, a missing flag counts as off,
     * so pass both.
     */
    interface Options {
      readonly checkPaths?: boolean;
      readonly checkArn?: boolean;
    }
    interface ValidationError {
      readonly 'Error code': string;
      readonly Message: string;
      readonly [detail: string]: unknown;
    }
    interface Result {
      readonly isValid: boolean;
      readonly errors: ValidationError[];
      errorsText(separator?: string): string;
    }
  }
  /** Validates an ASL definition. Mutates it: every state gets a `QueryLanguage` field. Pass a copy. */
  function aslValidator(definition: unknown, options?: aslValidator.Options): aslValidator.Result;
  export = aslValidator;
}
