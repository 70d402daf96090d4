import { XMLParser } from 'fast-xml-parser';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';

/**
 * XML-RPC as the specification (xmlrpc.com/spec) and TestLink's bundled IXR library write it: values built with
 * xmlbuilder2, answers read with fast-xml-parser in document order (a `<struct>` or `<data>` is a sequence).
 */

/** XmlRpcValue is what an XML-RPC value decodes to; `<int>` and `<double>` are numbers, `<dateTime.iso8601>` stays text. */
export type XmlRpcValue = string | number | boolean | null | XmlRpcValue[] | { [name: string]: XmlRpcValue };

/** XmlRpcAnswer is a decoded methodResponse: a value, or a fault with its code and string. */
export type XmlRpcAnswer = { kind: 'value'; value: XmlRpcValue } | { kind: 'fault'; code: number; message: string };

function appendValue(parent: XMLBuilder, value: XmlRpcValue | undefined): void {
  const v = parent.ele('value');
  if (value === null || value === undefined) v.ele('string');
  else if (typeof value === 'string') v.ele('string').txt(value);
  else if (typeof value === 'boolean') v.ele('boolean').txt(value ? '1' : '0');
  else if (typeof value === 'number') v.ele(Number.isInteger(value) ? 'int' : 'double').txt(String(value));
  else if (Array.isArray(value)) {
    const data = v.ele('array').ele('data');
    for (const item of value) appendValue(data, item);
  } else {
    const struct = v.ele('struct');
    for (const [name, member] of Object.entries(value)) {
      if (member === undefined) continue;
      const m = struct.ele('member');
      m.ele('name').txt(name);
      appendValue(m, member);
    }
  }
}

/** encodeMethodCall writes `<methodCall>` with one `<param>` per argument (TestLink takes one struct). */
export function encodeMethodCall(method: string, params: XmlRpcValue[]): string {
  const call = create({ version: '1.0', encoding: 'UTF-8' }).ele('methodCall');
  call.ele('methodName').txt(method);
  const list = call.ele('params');
  for (const p of params) appendValue(list.ele('param'), p);
  return call.end({ prettyPrint: false });
}

/** encodeMethodResponse writes a successful `<methodResponse>` (the TestLink stand-in answers with it). */
export function encodeMethodResponse(value: XmlRpcValue): string {
  const response = create({ version: '1.0', encoding: 'UTF-8' }).ele('methodResponse');
  appendValue(response.ele('params').ele('param'), value);
  return response.end({ prettyPrint: true });
}

/** encodeFault writes a `<fault>` answer (XML-RPC's own error: an unknown method, an unreadable call). */
export function encodeFault(code: number, message: string): string {
  const response = create({ version: '1.0', encoding: 'UTF-8' }).ele('methodResponse');
  appendValue(response.ele('fault'), { faultCode: code, faultString: message });
  return response.end({ prettyPrint: true });
}

type OrderedNode = Record<string, unknown> & { '#text'?: string };

const parser = new XMLParser({
  preserveOrder: true,
  trimValues: false,
  parseTagValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
});

/** XmlRpcSyntaxError says a text is not an XML-RPC document, and where it went wrong. */
export class XmlRpcSyntaxError extends Error {
  readonly code = 'XMLRPC_SYNTAX';
}

function tagOf(node: OrderedNode): string | undefined {
  return Object.keys(node).find((k) => k !== '#text' && k !== ':@');
}

/** elements keeps the child elements, dropping the whitespace text between them. */
function elements(children: unknown): OrderedNode[] {
  if (!Array.isArray(children)) return [];
  return (children as OrderedNode[]).filter((c) => {
    if (tagOf(c) !== undefined) return true;
    if (typeof c['#text'] === 'string' && c['#text'].trim() !== '')
      throw new XmlRpcSyntaxError(`unexpected text "${c['#text'].trim().slice(0, 40)}"`);
    return false;
  });
}

function textOf(children: unknown): string {
  if (!Array.isArray(children)) return '';
  return (children as OrderedNode[]).map((c) => (typeof c['#text'] === 'string' ? c['#text'] : '')).join('');
}

function child(node: OrderedNode, name: string): OrderedNode | undefined {
  return elements(node[tagOf(node)!]).find((c) => tagOf(c) === name);
}

function decodeValue(valueNode: OrderedNode): XmlRpcValue {
  const content = valueNode.value;
  // `<value>text</value>` without a type element is a string (spec: "If no type is indicated, the type is string")
  if (!Array.isArray(content) || !(content as OrderedNode[]).some((c) => tagOf(c) !== undefined))
    return textOf(content);
  const typed = elements(content);
  const node = typed[0]!;
  const tag = tagOf(node)!;
  const text = textOf(node[tag]);
  switch (tag) {
    case 'string':
      return text;
    case 'int':
    case 'i4':
    case 'i8': {
      const n = Number(text.trim());
      if (!Number.isInteger(n)) throw new XmlRpcSyntaxError(`<${tag}>${text}</${tag}> is not an integer`);
      return n;
    }
    case 'double': {
      const n = Number(text.trim());
      if (Number.isNaN(n)) throw new XmlRpcSyntaxError(`<double>${text}</double> is not a number`);
      return n;
    }
    case 'boolean':
      return text.trim() === '1';
    case 'nil':
      return null;
    case 'dateTime.iso8601':
    case 'base64':
      return text.trim();
    case 'array': {
      const data = child(node, 'data');
      return data ? elements(data.data).map((v) => decodeValue(v)) : [];
    }
    case 'struct': {
      const out: Record<string, XmlRpcValue> = {};
      for (const member of elements(node.struct)) {
        const name = child(member, 'name');
        const value = child(member, 'value');
        if (!name || !value) throw new XmlRpcSyntaxError('a struct member without its name or value');
        out[textOf(name.name)] = decodeValue(value);
      }
      return out;
    }
    default:
      throw new XmlRpcSyntaxError(`unknown value type <${tag}>`);
  }
}

function root(text: string): OrderedNode {
  let parsed: OrderedNode[];
  try {
    parsed = parser.parse(text) as OrderedNode[];
  } catch (err) {
    throw new XmlRpcSyntaxError(`not XML: ${(err as Error).message}`);
  }
  const top = elements(parsed);
  if (top.length !== 1) throw new XmlRpcSyntaxError('not one root element');
  return top[0]!;
}

/** decodeMethodResponse reads a `<methodResponse>`: its one value, or its fault; anything else throws XmlRpcSyntaxError. */
export function decodeMethodResponse(text: string): XmlRpcAnswer {
  const top = root(text);
  if (tagOf(top) !== 'methodResponse')
    throw new XmlRpcSyntaxError(`root element is <${tagOf(top)}>, not <methodResponse>`);
  const fault = child(top, 'fault');
  if (fault) {
    const value = child(fault, 'value');
    const decoded = value ? decodeValue(value) : null;
    const struct = (decoded && typeof decoded === 'object' && !Array.isArray(decoded) ? decoded : {}) as Record<
      string,
      XmlRpcValue
    >;
    return { kind: 'fault', code: Number(struct.faultCode ?? 0), message: String(struct.faultString ?? '') };
  }
  const param = child(top, 'params') && child(child(top, 'params')!, 'param');
  const value = param && child(param, 'value');
  if (!value) throw new XmlRpcSyntaxError('a methodResponse without params/param/value');
  return { kind: 'value', value: decodeValue(value) };
}

/** decodeMethodCall reads a `<methodCall>` (for the stand-in): its method name and parameters. */
export function decodeMethodCall(text: string): { method: string; params: XmlRpcValue[] } {
  const top = root(text);
  if (tagOf(top) !== 'methodCall') throw new XmlRpcSyntaxError(`root element is <${tagOf(top)}>, not <methodCall>`);
  const name = child(top, 'methodName');
  if (!name) throw new XmlRpcSyntaxError('a methodCall without methodName');
  const params = child(top, 'params');
  const values = params ? elements(params.params).map((p) => child(p, 'value')) : [];
  if (values.some((v) => !v)) throw new XmlRpcSyntaxError('a param without value');
  return { method: textOf(name.methodName).trim(), params: values.map((v) => decodeValue(v!)) };
}
