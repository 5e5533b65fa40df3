import { describe, expect, it } from 'vitest';
import { DEFAULT_DURABLE_ENDPOINT, loadLocalConfig } from '#local/config';

describe('where local mode completes durable callbacks', () => {
  it('is the local callback server on 127.0.0.1:3009 unless HITL_DURABLE_ENDPOINT names another loopback URL', () => {
    // Act
    const byDefault = loadLocalConfig({});
    const configured = loadLocalConfig({ HITL_DURABLE_ENDPOINT: 'http://127.0.0.1:4999' });

    // Assess
    expect(byDefault.durableEndpoint).toBe(DEFAULT_DURABLE_ENDPOINT);
    expect(DEFAULT_DURABLE_ENDPOINT).toBe('http://127.0.0.1:3009');
    expect(configured.durableEndpoint).toBe('http://127.0.0.1:4999');
  });

  it('refuses an endpoint off this machine, naming the variable', () => {
    // Act + Assess: a local stack never calls out
    expect(() => loadLocalConfig({ HITL_DURABLE_ENDPOINT: 'https://lambda.us-east-1.amazonaws.com' })).toThrow(/HITL_DURABLE_ENDPOINT/);
  });
});
