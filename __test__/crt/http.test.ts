/**
 * http.HttpHeaders and http.HttpRequest: the objects a
 * websocket_handshake_transform edits, with aws-crt's method set.
 */
import { http } from '../../index'

test('HttpHeaders keeps lines in order and compares names case-insensitively', () => {
  const headers = new http.HttpHeaders([
    ['Host', 'broker'],
    ['X-Token', 'a'],
    ['x-token', 'b'],
  ])
  expect(headers.length).toBe(3)
  expect(headers.get('host')).toBe('broker')
  expect(headers.get('missing')).toBe('')
  expect(headers.get('missing', 'fallback')).toBe('fallback')
  expect(headers.get_values('X-TOKEN')).toEqual(['a', 'b'])
  expect([...headers]).toEqual([
    ['Host', 'broker'],
    ['X-Token', 'a'],
    ['x-token', 'b'],
  ])
})

test('add, set, remove, remove_value and clear change the lines as aws-crt does', () => {
  const headers = new http.HttpHeaders()
  headers.add('Accept', 'a')
  headers.add('Accept', 'b')
  headers.add('Other', 'x')
  headers.remove_value('accept', 'a')
  expect(headers.get_values('Accept')).toEqual(['b'])
  headers.set('ACCEPT', 'c')
  expect(headers.get_values('accept')).toEqual(['c'])
  expect(headers.length).toBe(2)
  headers.remove('other')
  expect([...headers]).toEqual([['ACCEPT', 'c']])
  headers.clear()
  expect(headers.length).toBe(0)
  expect(() => headers.add('n', 5 as unknown as string)).toThrow(TypeError)
})

test('HttpRequest holds method, path, headers and body', () => {
  const request = new http.HttpRequest('GET', '/mqtt')
  expect(request.method).toBe('GET')
  expect(request.path).toBe('/mqtt')
  expect(request.headers).toBeInstanceOf(http.HttpHeaders)
  expect(request.headers.length).toBe(0)
})
