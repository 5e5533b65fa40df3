import { describe, expect, it } from 'vitest';
import { INDEX_PROJECTIONS } from '#adapters/dynamodb/index-projections';

describe('index projections', () => {
  it('stay within DynamoDB\'s limit of 100 projected non-key attributes across all indexes of a table', () => {
    // Prepare / Act
    const projected = Object.values(INDEX_PROJECTIONS).reduce((sum, projection) => sum + (projection.type === 'INCLUDE' ? projection.attributes.length : 0), 0);
    // Assess
    expect(projected).toBeLessThanOrEqual(100);
  });

  it('copy no task token and no checkpoint into any index', () => {
    for (const projection of Object.values(INDEX_PROJECTIONS)) {
      if (projection.type !== 'INCLUDE') continue;
      expect(projection.attributes).not.toContain('taskToken');
      expect(projection.attributes).not.toContain('checkpoint');
    }
  });
});
