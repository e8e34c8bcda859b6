import { isIP } from 'node:net';
import type { AttributeList } from '@x/tracer-core';

/** A Zipkin v2 `Endpoint`, as sent. */
export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

/**
 * The attributes that name a span's peer, in the order of preference of OpenTelemetry's
 * "OpenTelemetry to Zipkin Transformation" (rank 1 first), each with the port attribute it pairs
 * with, when the table pairs one.
 */
const PEER_ATTRIBUTES: readonly (readonly [name: string, port?: string])[] = [
  ['peer.service'],
  ['server.address'],
  ['net.peer.name'],
  ['network.peer.address', 'network.peer.port'],
  ['server.socket.domain'],
  ['server.socket.address', 'server.socket.port'],
  ['net.sock.peer.name'],
  ['net.sock.peer.addr', 'net.sock.peer.port'],
  ['peer.hostname'],
  ['peer.address'],
  ['db.name'],
];

function valueOf(attributes: AttributeList, key: string): unknown {
  for (let i = 0; i < attributes.length; i += 2) if (attributes[i] === key) return attributes[i + 1];
  return undefined;
}

/**
 * The remote endpoint of a CLIENT or PRODUCER span (the kinds Zipkin draws as dependencies) from
 * its best-ranked peer attribute holding a non-empty string: an IP address goes to `ipv4`/`ipv6`
 * (with its paired port when that is a valid port), any other name to `serviceName`. Undefined when
 * no attribute names the peer: the mapping says not to invent one. Pure.
 */
export function remoteEndpointOf(attributes: AttributeList): ZipkinEndpoint | undefined {
  for (const [name, portName] of PEER_ATTRIBUTES) {
    const value = valueOf(attributes, name);
    if (typeof value !== 'string' || value === '') continue;
    const family = isIP(value);
    if (family === 0) return { serviceName: value };
    const endpoint: ZipkinEndpoint = family === 4 ? { ipv4: value } : { ipv6: value };
    const port = portName === undefined ? undefined : Number(valueOf(attributes, portName));
    // Zipkin asks for no port rather than 0; a port attribute may also arrive as a string.
    if (port !== undefined && Number.isInteger(port) && port > 0 && port <= 65535) endpoint.port = port;
    return endpoint;
  }
  return undefined;
}
