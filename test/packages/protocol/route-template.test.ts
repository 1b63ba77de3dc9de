import { describe, expect, it } from 'vitest';
import { routeTemplate } from '@vitalstream/protocol';

describe('routeTemplate', () => {
  it.each([
    ['/courses/42?ref=mail', '/courses/:id'],
    ['https://shop.example.com/orders/7f3c2a9e-1b2c-4d5e-8f90-123456789abc/items/3#top', '/orders/:id/items/:id'],
    ['/users/jane@example.com/profile', '/users/:id/profile'],
    ['/blog/how-to-measure-inp', '/blog/how-to-measure-inp'],
    ['/files/5f8d0d55b54764421b7156c9', '/files/:id'],
    ['/t/a1B2c3D4e5F6g7H8i9J0', '/t/:id'],
    ['', '/'],
    ['/', '/'],
    ['//double//slashes/', '/double/slashes'],
    ['/courses/:courseId/lessons/12', '/courses/:courseId/lessons/:id'],
  ])('%s -> %s', (input, expected) => {
    expect(routeTemplate(input)).toBe(expected);
  });

  it('bounds deep and long paths', () => {
    expect(routeTemplate(`/${Array.from({ length: 40 }, (_, i) => `s${i}x`).join('/')}`).split('/').length).toBeLessThanOrEqual(14);
    expect(routeTemplate(`/${'a'.repeat(500)}`)).toBe('/:id');
    expect(routeTemplate(`/${Array.from({ length: 12 }, () => 'segment-name-long').join('/')}`).length).toBeLessThanOrEqual(128);
  });
});
