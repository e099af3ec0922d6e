import { InputError } from '@backstage/errors';
import type { EnvironmentTemplateEntity } from '@envkit/plugin-environments-common';
import { expiryFor } from './EnvironmentCreation';

const DAY = 86_400_000;

function template(
  guardrails: EnvironmentTemplateEntity['spec']['guardrails'],
): Pick<EnvironmentTemplateEntity, 'spec'> {
  return { spec: { guardrails } } as Pick<EnvironmentTemplateEntity, 'spec'>;
}

describe('expiryFor', () => {
  const createdAt = new Date('2026-12-01T00:00:00Z');
  const bounded = template({
    ttl: { default: 'PT8H', max: 'P7D' },
    lifetime: { max: 'P10D' },
  });

  it('allows extensions up to the lifetime counted from creation', () => {
    const now = new Date(createdAt.getTime() + 5 * DAY);
    expect(expiryFor(bounded, 'P3D', now, createdAt)).toBe(
      '2026-12-09T00:00:00.000Z',
    );
    expect(expiryFor(bounded, 'P5D', now, createdAt)).toBe(
      '2026-12-11T00:00:00.000Z',
    );
  });

  it('refuses an extension that would outlive the lifetime, naming ttl', () => {
    const now = new Date(createdAt.getTime() + 5 * DAY);
    expect(() => expiryFor(bounded, 'P7D', now, createdAt)).toThrow(
      new InputError(
        "ttl: P7D from now ends at 2026-12-13T00:00:00.000Z, past this template's lifetime of P10D from creation (2026-12-11T00:00:00.000Z)",
      ),
    );
  });

  it('ends an environment at its lifetime when the template has no ttl', () => {
    expect(
      expiryFor(template({ lifetime: { max: 'P2D' } }), undefined, createdAt),
    ).toBe('2026-12-03T00:00:00.000Z');
  });

  it('refuses a zero or negative lifetime', () => {
    expect(() => expiryFor(bounded, 'PT0S', createdAt)).toThrow(
      /^ttl: PT0S is no lifetime/,
    );
  });
});
