import { Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * Throws one error that lists every problem, so a user fixes their props in one round instead of
 * one problem per synth.
 */
export function assertNoProblems(scope: Construct, problems: readonly string[]): void {
  if (problems.length === 0) return;
  const list = problems.map((problem) => `  - ${problem}`).join('\n');
  throw new PropsError(`Invalid props for ${scope.node.path} (${problems.length}):\n${list}`, problems);
}

/** Thrown when a construct's props are wrong; `problems` lists each one. */
export class PropsError extends Error {
  constructor(message: string, readonly problems: readonly string[]) {
    super(message);
    this.name = 'PropsError';
  }
}

/** A value we can only check once it is known: tokens resolve at deploy time. */
export function isKnown(value: string | undefined): value is string {
  return value !== undefined && !Token.isUnresolved(value);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Problems with an email address prop, or none when it is a token. */
export function emailProblems(name: string, value: string | undefined): string[] {
  if (value === undefined) return [`${name} is required`];
  return isKnown(value) && !EMAIL.test(value) ? [`${name} "${value}" is not an email address`] : [];
}

/** Cognito group names as the API reads them from `cognito:groups`; the core forbids spaces and commas. */
const GROUP_NAME = /^[^\s,]{1,128}$/;

export function groupNameProblems(name: string, groups: readonly string[]): string[] {
  const problems: string[] = [];
  if (groups.length === 0) problems.push(`${name} needs at least one group`);
  for (const group of groups) {
    if (!GROUP_NAME.test(group)) problems.push(`${name}: "${group}" must be 1-128 characters without spaces or commas`);
  }
  const duplicates = groups.filter((group, index) => groups.indexOf(group) !== index);
  if (duplicates.length > 0) problems.push(`${name}: duplicate group ${[...new Set(duplicates)].join(', ')}`);
  return problems;
}

/** A browser origin or redirect URL: https, or http only on localhost (Cognito and browsers agree on that). */
export function urlProblems(name: string, urls: readonly string[], kind: 'origin' | 'url'): string[] {
  const problems: string[] = [];
  for (const value of urls) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      problems.push(`${name}: "${value}" is not a URL`);
      continue;
    }
    const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
      problems.push(`${name}: "${value}" must use https (http is allowed for localhost only)`);
    }
    if (kind === 'origin' && url.origin !== value.replace(/\/$/, '')) {
      problems.push(`${name}: "${value}" must be an origin (scheme://host[:port]) without a path`);
    }
  }
  return problems;
}

/** A whole number within bounds, when given. */
export function integerProblems(name: string, value: number | undefined, min: number, max: number): string[] {
  if (value === undefined || Token.isUnresolved(value)) return [];
  return Number.isInteger(value) && value >= min && value <= max ? [] : [`${name} must be a whole number from ${min} to ${max} (got ${value})`];
}
