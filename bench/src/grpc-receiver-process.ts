// The OTLP/gRPC receiver of grpc-ab.ts and grpc-cases.ts, in its own process so that only the
// client's CPU is measured: @grpc/grpc-js answering every Export with an empty
// ExportTraceServiceResponse, counting the spans it got. It sends { port } once listening; to the
// message 'count' it answers { spans, requests }, to 'reset' the same after zeroing them.
import * as grpc from '@grpc/grpc-js';
import { countSpans } from './count-spans.js';

let spans = 0;
let requests = 0;

const server = new grpc.Server();
server.addService(
  {
    Export: {
      path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: Buffer) => value,
      requestDeserialize: (bytes: Buffer) => bytes,
      responseSerialize: (value: Buffer) => value,
      responseDeserialize: (bytes: Buffer) => bytes,
    },
  },
  {
    Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      requests++;
      spans += countSpans(call.request);
      callback(null, Buffer.alloc(0));
    },
  },
);
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.send?.({ port });
});
process.on('message', (message) => {
  if (message === 'reset') spans = requests = 0;
  if (message === 'count' || message === 'reset') process.send?.({ spans, requests });
});
process.on('disconnect', () => server.forceShutdown());
