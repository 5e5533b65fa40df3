import { describe, expect, it } from 'vitest';
import { loadLocalConfig } from '#local/config';

describe('where the local DynamoDB runs', () => {
  it('runs in a worker thread unless HITL_DYNAMODB_THREAD keeps it in the main thread', () => {
    // Act
    const byDefault = loadLocalConfig({});
    const inMain = loadLocalConfig({ HITL_DYNAMODB_THREAD: 'main' });

    // Assess
    expect(byDefault.dynamoThread).toBe('worker');
    expect(inMain.dynamoThread).toBe('main');
  });

  it('refuses any other value at start, naming the variable', () => {
    // Act + Assess
    expect(() => loadLocalConfig({ HITL_DYNAMODB_THREAD: 'child-process' })).toThrow(/HITL_DYNAMODB_THREAD/);
  });
});
