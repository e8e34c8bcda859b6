import { describe, expect, it } from 'vitest';
import { distinctServiceColors, serviceColor } from '../web/src/service-colors.ts';

describe('service colors', () => {
  it('gives a service the same color every time', () => {
    expect(serviceColor('orders')).toBe(serviceColor('orders'));
  });

  it('gives the services of one trace twelve different colors, the same for the same set in any order', () => {
    const services = Array.from({ length: 12 }, (_, i) => `service-${i}`);

    const colors = distinctServiceColors(services);

    expect(new Set(colors.values()).size).toBe(12);
    expect(distinctServiceColors([...services].reverse())).toEqual(colors);
  });
});
