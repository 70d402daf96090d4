export {
  createTestLinkClient,
  errorEntries,
  xmlrpcUrl,
  XMLRPC_PATH,
  type BuildRef,
  type ExecutionReport,
  type TestLinkClient,
  type TestLinkErrorEntry,
  type TestLinkOptions,
} from './client.ts';
export {
  decodeMethodCall,
  decodeMethodResponse,
  encodeFault,
  encodeMethodCall,
  encodeMethodResponse,
  XmlRpcSyntaxError,
  type XmlRpcAnswer,
  type XmlRpcValue,
} from './xmlrpc-codec.ts';
